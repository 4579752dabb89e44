"""Qualification entries: matched by pupil, awarding body, title and level, written through
the qualification repository (a school's entries are a few per pupil)."""

from collections.abc import Mapping, Sequence

from domain.access import Permission
from domain.filters import QualificationFilter
from domain.ids import new_id
from domain.imports import ImportCounts, RowError
from domain.paging import MAX_LIMIT, PageRequest
from domain.qualification import QualificationEntry
from domain.qualification_import import (
    QUALIFICATION_COLUMNS,
    REQUIRED_QUALIFICATION_COLUMNS,
    EntryChange,
    QualificationCatalogue,
)
from domain.services.importing.resource import Counter, ImportResource, ImportSetup


class QualificationImporter:
    def __init__(self, setup: ImportSetup, catalogue: QualificationCatalogue) -> None:
        self.setup = setup
        self.catalogue = catalogue
        self.counter = Counter()

    def check(self, line: int, row: Mapping[str, str]) -> EntryChange | list[RowError]:
        return self.catalogue.check(line, row)

    async def stage(self, rows: Sequence[EntryChange]) -> list[RowError]:
        entries = self.setup.uow.qualifications
        for change in rows:
            if change.before is None:
                await entries.add(change.after)
            elif change.changed:
                await entries.update(change.after, change.before.version)
            self.counter.add(change.before is not None, change.changed)
        return []

    async def duplicates(self) -> list[RowError]:
        return []  # refused as they are checked

    async def apply(self) -> ImportCounts:
        return self.counter.counts()


async def start(setup: ImportSetup) -> QualificationImporter:
    uow, school_id = setup.uow, setup.school.id
    stored: list[QualificationEntry] = []
    after = None
    while True:
        page = await uow.qualifications.matching(
            QualificationFilter(school_id=school_id), PageRequest(limit=MAX_LIMIT, after=after)
        )
        stored += page.items
        if page.next_after is None:
            break
        after = page.next_after
    catalogue = QualificationCatalogue(
        school_id,
        await uow.imports.pupil_keys(school_id, include_archived=True),
        stored,
        setup.clock.today(),
        new_id,
    )
    return QualificationImporter(setup, catalogue)


#: results are assessment: the same permission as POST /qualifications
QUALIFICATIONS: ImportResource[EntryChange] = ImportResource(
    "qualifications",
    Permission.WRITE_ASSESSMENT,
    QUALIFICATION_COLUMNS,
    REQUIRED_QUALIFICATION_COLUMNS,
    start,
    audited_as="qualification_entries",
)
