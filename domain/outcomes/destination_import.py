"""Leavers' destinations: matched by pupil and leaving date, written through the
destination repository (a school's leavers are few)."""

from functools import partial

from domain.integration.import_resource import ImportResource, ImportSetup, WriteThrough
from domain.kernel.access import Permission
from domain.kernel.ids import new_id
from domain.kernel.paging import every_page
from domain.outcomes.destination_rows import (
    DESTINATION_COLUMNS,
    REQUIRED_DESTINATION_COLUMNS,
    DestinationCatalogue,
    DestinationChange,
)
from domain.outcomes.ports import DestinationFilter


async def start(setup: ImportSetup) -> WriteThrough[DestinationChange]:
    uow, school_id = setup.uow, setup.school.id
    keys = await uow.imports.pupil_keys(school_id, include_archived=True)
    pupils = await uow.pupils.get_many([k.id for k in keys])
    stored = await every_page(
        partial(uow.destinations.matching, DestinationFilter(school_id=school_id))
    )
    catalogue = DestinationCatalogue(school_id, keys, pupils, stored, new_id)
    return WriteThrough(catalogue.check, uow.destinations)


#: leavers' records are roster data: the same permission as POST /destinations
DESTINATIONS: ImportResource[DestinationChange] = ImportResource(
    "destinations",
    Permission.WRITE_ROSTER,
    DESTINATION_COLUMNS,
    REQUIRED_DESTINATION_COLUMNS,
    start,
    matched_by="pupil and leaving date",
    examples=(
        "UPN,Date of Leaving,Destination,Provider,Sustained\n"
        "A123456789012,2025-07-18,FE College,Weald College,Y\n",
        '{"upn": "A123456789012", "left_on": "2025-07-18", "category": "fe_college"}\n',
    ),
)
