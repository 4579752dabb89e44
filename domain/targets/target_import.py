"""Targets: matched by pupil, strand and academic year, changed by the domain's own
revision and status operations (history kept), written through the target repository."""

from collections.abc import Mapping, Sequence

from domain.assessment.ports import FrameworkFilter
from domain.integration.import_fields import FirstLines, StrandIndex
from domain.integration.import_resource import Counter, ImportResource, ImportSetup
from domain.integration.imports import ImportCounts, RowError
from domain.kernel.access import Permission
from domain.kernel.ids import new_id
from domain.kernel.paging import MAX_LIMIT, PageRequest
from domain.targets.target_rows import (
    REQUIRED_TARGET_COLUMNS,
    TARGET_COLUMNS,
    ImportedTarget,
    TargetCatalogue,
    plan_target,
)


class TargetImporter:
    def __init__(self, setup: ImportSetup, catalogue: TargetCatalogue) -> None:
        self.setup = setup
        self.catalogue = catalogue
        self.seen = FirstLines("pupil, strand and academic year", "strand")
        self.counter = Counter()

    def check(self, line: int, row: Mapping[str, str]) -> ImportedTarget | list[RowError]:
        checked = self.catalogue.check(line, row)
        if isinstance(checked, list):
            return checked
        repeated = self.seen.repeated(checked.key, line)
        return [repeated] if repeated else checked

    async def stage(self, rows: Sequence[ImportedTarget]) -> list[RowError]:
        s = self.setup
        targets = s.uow.targets
        existing = await targets.for_pupils(sorted({r.pupil_id for r in rows}))
        now, by = s.clock.now(), s.actor.subject
        refused: list[RowError] = []
        for row in rows:
            slot = [
                t
                for t in existing.get(row.pupil_id, [])
                if t.strand_id == row.strand_id and t.academic_year == row.academic_year
            ]
            writes = plan_target(row, s.school.id, slot, by, now, s.reason, new_id)
            if isinstance(writes, RowError):
                refused.append(writes)
                continue
            for target, previous in writes.updated:  # a revised target frees its slot first
                await targets.update(target, previous)
            for target in writes.added:
                await targets.add(target)
            for revision in writes.revisions:
                await targets.add_revision(s.school.id, revision)
            self.counter.add(writes.existed, writes.changed)
        return refused

    async def duplicates(self) -> list[RowError]:
        return []  # refused as they are checked

    async def apply(self) -> ImportCounts:
        return self.counter.counts()


async def start(setup: ImportSetup) -> TargetImporter:
    uow, school = setup.uow, setup.school
    frameworks = await uow.frameworks.matching(
        FrameworkFilter(school_id=school.id), PageRequest(limit=MAX_LIMIT)
    )
    catalogue = TargetCatalogue(
        await uow.imports.pupil_keys(school.id),
        StrandIndex(frameworks.items),
        setup.clock.today(),
    )
    return TargetImporter(setup, catalogue)


TARGETS: ImportResource[ImportedTarget] = ImportResource(
    "targets",
    Permission.WRITE_ASSESSMENT,
    TARGET_COLUMNS,
    REQUIRED_TARGET_COLUMNS,
    start,
    matched_by="pupil, strand and academic year (a new step revises the target)",
    examples=(
        "UPN,Strand,Academic Year,Step,Status\nA123456789012,READ,2024/25,Sec+,active\n",
        '{"upn": "A123456789012", "strand": "READ", "academic_year": "2024/25", "step": "Sec+"}\n',
    ),
)
