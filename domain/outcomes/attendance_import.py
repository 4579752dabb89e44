"""Register marks: staged in bulk and upserted by pupil, date and session (set-based in SQL,
since a term's registers are pupils x sessions)."""

from collections.abc import Mapping, Sequence

from domain.integration.import_resource import ImportResource, ImportSetup
from domain.integration.imports import ImportCounts, RowError
from domain.kernel.access import Permission
from domain.outcomes.attendance_rows import (
    ATTENDANCE_COLUMNS,
    REQUIRED_ATTENDANCE_COLUMNS,
    AttendanceCatalogue,
    ImportedMark,
)


class AttendanceImporter:
    def __init__(self, setup: ImportSetup, catalogue: AttendanceCatalogue) -> None:
        self.setup = setup
        self.catalogue = catalogue

    def check(self, line: int, row: Mapping[str, str]) -> ImportedMark | list[RowError]:
        return self.catalogue.check(line, row)

    async def stage(self, rows: Sequence[ImportedMark]) -> list[RowError]:
        await self.setup.uow.imports.stage_marks(self.setup.school.id, rows)
        return []

    async def duplicates(self) -> list[RowError]:
        return await self.setup.uow.imports.drop_duplicate_marks(self.setup.school.id)

    async def apply(self) -> ImportCounts:
        return await self.setup.uow.imports.apply_marks(self.setup.school.id)


async def start(setup: ImportSetup) -> AttendanceImporter:
    school_id = setup.school.id
    keys = await setup.uow.imports.pupil_keys(school_id, include_archived=True)
    return AttendanceImporter(setup, AttendanceCatalogue(school_id, keys, setup.clock.today()))


#: registers are roster data: the same permission as POST /attendance/sessions
ATTENDANCE: ImportResource[ImportedMark] = ImportResource(
    "attendance",
    Permission.WRITE_ROSTER,
    ATTENDANCE_COLUMNS,
    REQUIRED_ATTENDANCE_COLUMNS,
    start,
    audited_as="attendance_marks",
    matched_by="pupil, date and session (AM/PM)",
    examples=(
        "UPN,Date,Session,Mark\nA123456789012,2025-02-03,AM,/\nA123456789012,2025-02-03,PM,I\n",
        '{"upn": "A123456789012", "date": "2025-02-03", "session": "AM", "code": "/"}\n',
    ),
)
