"""Pupils with their characteristics and enrolments: matched by UPN, else MIS id, and
written through the pupil repository a row at a time (a school's roll is small)."""

from collections.abc import Mapping, Sequence

from domain.integration.import_resource import Counter, ImportResource, ImportSetup
from domain.integration.imports import ImportCounts, RowError
from domain.kernel.access import Permission
from domain.kernel.ids import new_id
from domain.pupils.pupil_rows import PUPIL_COLUMNS, REQUIRED_PUPIL_COLUMNS, PupilChange, PupilRoster


class PupilImporter:
    def __init__(self, setup: ImportSetup, roster: PupilRoster) -> None:
        self.setup = setup
        self.roster = roster
        self.counter = Counter()

    def check(self, line: int, row: Mapping[str, str]) -> PupilChange | list[RowError]:
        return self.roster.check(line, row)

    async def stage(self, rows: Sequence[PupilChange]) -> list[RowError]:
        pupils = self.setup.uow.pupils
        for change in rows:
            if change.before is None:
                await pupils.add(change.after)
            elif change.changed:
                await pupils.update(change.after, change.before.version)
            self.counter.add(change.before is not None, change.changed)
        return []

    async def duplicates(self) -> list[RowError]:
        return []  # the roster refuses a pupil a second time as it checks

    async def apply(self) -> ImportCounts:
        return self.counter.counts()


async def start(setup: ImportSetup) -> PupilImporter:
    school_id = setup.school.id
    keys = await setup.uow.imports.pupil_keys(school_id, include_archived=True)
    current = (await setup.uow.pupils.for_schools([school_id]))[school_id]
    roster = PupilRoster(
        school_id, current, [k for k in keys if k.archived], setup.clock.today(), new_id
    )
    return PupilImporter(setup, roster)


PUPILS: ImportResource[PupilChange] = ImportResource(
    "pupils",
    Permission.WRITE_ROSTER,
    PUPIL_COLUMNS,
    REQUIRED_PUPIL_COLUMNS,
    start,
    matched_by="UPN, else MIS id, with the pupil's characteristics and enrolment",
    examples=(
        "UPN,Admission No,Legal Surname,Legal Forename,Date of Birth,Gender,NC Year,"
        "Date of Admission,Enrolment Status,Pupil Premium,FSM,EAL,Looked After,"
        "SEN Provision,Primary Need,Secondary Need\n"
        "A123456789012,ADM-7,Khan,Amira,17/05/2011,F,7,01/09/2022,C,Y,N,N,N,E,ASD,SLCN\n",
        '{"upn": "A123456789012", "forename": "Amira", "surname": "Khan",'
        ' "date_of_birth": "2011-05-17", "gender": "F", "year_group": "7",'
        ' "joined_on": "2022-09-01", "pupil_premium": "Y", "sen_provision": "E",'
        ' "primary_need": "ASD"}\n',
    ),
)
