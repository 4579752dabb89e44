"""Row-level security on attendance marks, qualification entries and measure definitions."""

import uuid
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from domain.kernel.access import Principal
from domain.outcomes import attendance_service as attendance
from domain.outcomes import measure_service as measures
from domain.outcomes import qualification_service as qualifications
from domain.outcomes.attendance import Session
from domain.outcomes.qualification import QualificationKind, QualificationLevel
from persistence.database import Database
from persistence.scope import Scope
from tests.factories import World

SYSTEM = Principal.system()


async def _records_of(world: World) -> None:
    uow = world.runtime.system_uow
    for pupil in (world.pupil, world.other_pupil):
        await attendance.record_marks(
            uow(), SYSTEM, [attendance.MarkIn(pupil.id, date(2024, 1, 8), Session.AM, "/")]
        )
        await qualifications.record_entry(
            uow(),
            SYSTEM,
            qualifications.RecordEntry(
                pupil.id, "Pearson", "FS Maths", QualificationLevel.ENTRY_2, QualificationKind.GCSE
            ),
        )
    for school_id, trust_id in ((world.school.id, None), (None, world.trust.id)):
        await measures.create_measure(
            uow(),
            SYSTEM,
            measures.CreateMeasure("M", "11", 1, school_id=school_id, trust_id=trust_id),
        )


async def test_unfiltered_sql_sees_only_the_scoped_schools_rows(
    database: Database, world: World, other_world: World
) -> None:
    await _records_of(world)
    await _records_of(other_world)
    scope = Scope(frozenset({world.school.id}), frozenset({world.trust.id}))
    async with database.unit_of_work(scope) as uow:
        seen = {
            table: set((await uow.session.execute(statement)).scalars())
            for table, statement in (
                ("attendance_marks", text("SELECT DISTINCT school_id FROM attendance_marks")),
                (
                    "qualification_entries",
                    text("SELECT DISTINCT school_id FROM qualification_entries"),
                ),
            )
        }
        owners = set(
            (
                await uow.session.execute(
                    text("SELECT coalesce(school_id, trust_id) FROM measure_definitions")
                )
            ).scalars()
        )
    assert seen == {
        "attendance_marks": {world.school.id},
        "qualification_entries": {world.school.id},
    }
    assert owners == {world.school.id, world.trust.id}


async def test_writing_a_mark_for_another_school_is_refused_by_the_policy(
    database: Database, world: World, other_world: World
) -> None:
    insert = text(
        "INSERT INTO attendance_marks (school_id, id, pupil_id, session_date, session, code)"
        " VALUES (:school, :id, :pupil, '2024-01-08', 'PM', '/')"
    )
    scope = Scope(frozenset({world.school.id}), frozenset({world.trust.id}))
    with pytest.raises(DBAPIError, match="row-level security"):
        async with database.unit_of_work(scope) as uow:
            await uow.session.execute(
                insert,
                {
                    "school": other_world.school.id,
                    "id": uuid.uuid4(),
                    "pupil": other_world.pupil.id,
                },
            )
