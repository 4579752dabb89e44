"""A trust's cohort counted in parts on several connections adds up to one statement's."""

import uuid

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.app import create_app
from api.runtime import Runtime
from api.settings import ApiSettings
from domain.analytics.progress import DIMENSIONS, AssessmentPoint, GroupCounts
from persistence.analytics.partitions import Partitions
from persistence.availability import database_unavailable, statement_timed_out
from persistence.database import Database
from persistence.engine import create_engine
from persistence.scope import Scope
from persistence.settings import DatabaseSettings
from tests.api.progress_support import Tracker

YEAR = "2023/24"


def _sorted(groups: list[GroupCounts]) -> list[GroupCounts]:
    return sorted(groups, key=lambda g: (g.dimension, g.value or ""))


async def _trust_of_three_schools(runtime: Runtime) -> list[Tracker]:
    first = await Tracker.build(runtime, shared=True)
    schools = [first, await first.sibling(), await first.sibling()]
    for n, school in enumerate(schools):
        for gain in range(n + 2):  # 2, 3 and 4 pupils, gains 0 .. 3 steps on a 3-a-year model
            pupil = await school.pupil(pupil_premium=gain % 2 == 0, year_group=str(7 + n))
            await school.progress(pupil, "ENG", YEAR, float(gain))
            await school.progress(pupil, "MAT", YEAR, float(gain + 1))
    return schools


async def test_a_cohort_counted_in_parts_adds_up_to_the_single_statement_counts(
    database: Database, runtime: Runtime
) -> None:
    schools = await _trust_of_three_schools(runtime)
    school_ids = [s.school.id for s in schools]
    scope = Scope(frozenset(school_ids), frozenset({schools[0].trust.id}))
    point = AssessmentPoint(YEAR, 6)

    async def cohort(parallelism: int) -> list[GroupCounts]:
        db = Database(database.url, database.engine, database.sessions, parallelism)
        async with db.unit_of_work(scope) as uow:
            return await uow.progress.cohort(point, school_ids, 2026, None, DIMENSIONS)

    whole = _sorted(await cohort(1))
    in_parts = _sorted(await cohort(3))

    assert in_parts == whole
    cohort_row = next(g for g in whole if g.dimension == "")
    assert cohort_row.counts.judged == 2 * (2 + 3 + 4)
    assert {g.value for g in whole if g.dimension == "school"} == {str(s) for s in school_ids}


async def test_each_part_reads_as_the_app_role_within_the_callers_scope(
    database: Database, runtime: Runtime
) -> None:
    schools = await _trust_of_three_schools(runtime)
    mine = schools[0].school.id
    scope = Scope(frozenset({mine}), frozenset({schools[0].trust.id}))
    statement = text(
        "SELECT current_user AS who, array_agg(DISTINCT school_id) AS seen FROM pupils"
    )

    async with database.unit_of_work(scope) as uow:
        await uow.session.execute(text("SELECT 1"))
        results = await Partitions(database.engine, 2).fetch_all(
            uow.session, scope, [(statement, {}), (statement, {})]
        )

    seen = [[(r.who, r.seen) for r in rows] for rows in results]
    assert seen == [[("stepwise_app", [mine])], [("stepwise_app", [mine])]]


def test_schools_are_split_into_disjoint_parts_covering_them_all() -> None:
    schools = [uuid.uuid4() for _ in range(7)]
    partitions = Partitions(engine=None, parallelism=3)  # type: ignore[arg-type]

    parts = partitions.split(schools)

    assert len(parts) == 3
    assert sorted(s for part in parts for s in part) == sorted(schools)
    assert partitions.split(schools[:1]) == [(schools[0],)]


async def _part_that_times_out(database: Database, runtime: Runtime) -> BaseException:
    """A two-part count in which one part runs past a 200 ms statement timeout."""
    schools = await _trust_of_three_schools(runtime)
    scope = Scope(frozenset(s.school.id for s in schools), frozenset({schools[0].trust.id}))
    url = database.url
    impatient = create_engine(url, DatabaseSettings(url=url, statement_timeout_ms=200))
    try:
        async with database.unit_of_work(scope) as uow:
            await uow.session.execute(text("SELECT 1"))
            with pytest.raises(DBAPIError) as raised:
                await Partitions(impatient, 2).fetch_all(
                    uow.session,
                    scope,
                    [(text("SELECT 1"), {}), (text("SELECT pg_sleep(2)"), {})],
                )
    finally:
        await impatient.dispose()
    return raised.value


async def test_a_part_that_times_out_is_raised_as_itself_and_told_as_a_timeout(
    database: Database, runtime: Runtime
) -> None:
    """Regression: the part's cause is the group that holds the part; the availability walk
    went round that loop until RecursionError, so the request became a 500."""
    failed = await _part_that_times_out(database, runtime)

    assert isinstance(failed.__cause__, ExceptionGroup)
    assert failed in failed.__cause__.exceptions  # the loop the walk must survive
    assert statement_timed_out(failed)
    assert not database_unavailable(failed)


async def test_a_part_that_times_out_is_answered_503_timeout_over_http(
    settings: ApiSettings, database: Database, runtime: Runtime
) -> None:
    app = create_app(settings, database)

    async def count_in_parts() -> None:
        raise await _part_that_times_out(database, runtime)

    app.add_api_route("/test/count-in-parts", count_in_parts)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://stepwise.test") as client:
        response = await client.get("/test/count-in-parts")

    assert response.status_code == 503, response.text
    assert response.headers["retry-after"]
    assert response.json()["type"] == "urn:stepwise:problem:timeout"
    assert "too long" in response.json()["detail"]
