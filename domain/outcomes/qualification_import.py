"""Qualification entries: matched by pupil, awarding body, title and level, written through
the qualification repository (a school's entries are a few per pupil)."""

from functools import partial

from domain.integration.import_resource import ImportResource, ImportSetup, WriteThrough
from domain.kernel.access import Permission
from domain.kernel.ids import new_id
from domain.kernel.paging import every_page
from domain.outcomes.ports import QualificationFilter
from domain.outcomes.qualification_rows import (
    QUALIFICATION_COLUMNS,
    REQUIRED_QUALIFICATION_COLUMNS,
    EntryChange,
    QualificationCatalogue,
)


async def start(setup: ImportSetup) -> WriteThrough[EntryChange]:
    uow, school_id = setup.uow, setup.school.id
    stored = await every_page(
        partial(uow.qualifications.matching, QualificationFilter(school_id=school_id))
    )
    catalogue = QualificationCatalogue(
        school_id,
        await uow.imports.pupil_keys(school_id, include_archived=True),
        stored,
        setup.clock.today(),
        new_id,
    )
    return WriteThrough(catalogue.check, uow.qualifications)


#: results are assessment: the same permission as POST /qualifications
QUALIFICATIONS: ImportResource[EntryChange] = ImportResource(
    "qualifications",
    Permission.WRITE_ASSESSMENT,
    QUALIFICATION_COLUMNS,
    REQUIRED_QUALIFICATION_COLUMNS,
    start,
    audited_as="qualification_entries",
    matched_by="pupil, awarding body, title and level",
    examples=(
        "UPN,Awarding Body,Qualification Title,Subject,Level,Status,Result,Date Awarded\n"
        "A123456789012,Pearson,Functional Skills English,English,Entry 3,completed,Pass,"
        "2025-08-21\n",
        '{"upn": "A123456789012", "awarding_body": "Pearson", "title": "ELC Maths",'
        ' "level": "entry_2", "kind": "other"}\n',
    ),
)
