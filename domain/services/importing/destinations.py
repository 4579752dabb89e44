"""Leavers' destinations: matched by pupil and leaving date, written through the
destination repository (a school's leavers are few)."""

from collections.abc import Mapping, Sequence

from domain.access import Permission
from domain.destination import Destination
from domain.destination_import import (
    DESTINATION_COLUMNS,
    REQUIRED_DESTINATION_COLUMNS,
    DestinationCatalogue,
    DestinationChange,
)
from domain.filters import DestinationFilter
from domain.ids import new_id
from domain.imports import ImportCounts, RowError
from domain.paging import MAX_LIMIT, PageRequest
from domain.services.importing.resource import Counter, ImportResource, ImportSetup


class DestinationImporter:
    def __init__(self, setup: ImportSetup, catalogue: DestinationCatalogue) -> None:
        self.setup = setup
        self.catalogue = catalogue
        self.counter = Counter()

    def check(self, line: int, row: Mapping[str, str]) -> DestinationChange | list[RowError]:
        return self.catalogue.check(line, row)

    async def stage(self, rows: Sequence[DestinationChange]) -> list[RowError]:
        destinations = self.setup.uow.destinations
        for change in rows:
            if change.before is None:
                await destinations.add(change.after)
            elif change.changed:
                await destinations.update(change.after, change.before.version)
            self.counter.add(change.before is not None, change.changed)
        return []

    async def duplicates(self) -> list[RowError]:
        return []  # refused as they are checked

    async def apply(self) -> ImportCounts:
        return self.counter.counts()


async def start(setup: ImportSetup) -> DestinationImporter:
    uow, school_id = setup.uow, setup.school.id
    keys = await uow.imports.pupil_keys(school_id, include_archived=True)
    pupils = await uow.pupils.get_many([k.id for k in keys])
    stored: list[Destination] = []
    after = None
    while True:
        page = await uow.destinations.matching(
            DestinationFilter(school_id=school_id), PageRequest(limit=MAX_LIMIT, after=after)
        )
        stored += page.items
        if page.next_after is None:
            break
        after = page.next_after
    return DestinationImporter(setup, DestinationCatalogue(school_id, keys, pupils, stored, new_id))


#: leavers' records are roster data: the same permission as POST /destinations
DESTINATIONS: ImportResource[DestinationChange] = ImportResource(
    "destinations",
    Permission.WRITE_ROSTER,
    DESTINATION_COLUMNS,
    REQUIRED_DESTINATION_COLUMNS,
    start,
)
