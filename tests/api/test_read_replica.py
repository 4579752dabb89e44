"""READ_DATABASE_URL: analytics read a real streaming replica, everything else the primary.

A private primary and a pg_basebackup replica of it (bench/clusters.py) are built once for
the module. Replay is paused on the replica to make the two differ on purpose: a judgement
written through the app then shows in primary reads and not in analytics, until replay
resumes. Which endpoints read the replica is listed in docs/scaling.md.
"""

import asyncio
import secrets
import uuid
import warnings
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from api.app import create_app
from api.identity.keys import new_signing_key
from api.runtime import Runtime
from api.settings import ApiSettings, AuthSettings
from persistence.database import Database
from persistence.scope import Scope
from persistence.settings import DatabaseSettings
from persistence.urls import libpq_url, with_database
from tests.api.seeding import JUDGEMENTS, judgement_body
from tests.database import fresh_database
from tests.factories import World

with warnings.catch_warnings():
    # platformdirs warns at import when XDG_RUNTIME_DIR is unset (as in CI)
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    from bench.clusters import Cluster, create_cluster, create_replica

#: this file's private ports (the replica tests own 55500-55519)
PRIMARY_PORT, REPLICA_PORT = 55500, 55501

# --- a primary, its streaming replica, and the app on both --------------------------------


@pytest.fixture(scope="module")
def clusters() -> Iterator[tuple[Cluster, Cluster]]:
    primary = create_cluster(port=PRIMARY_PORT, prefix="sw-rr-p-")
    try:
        replica = create_replica(primary, port=REPLICA_PORT, prefix="sw-rr-r-")
        try:
            yield primary, replica
        finally:
            replica.destroy()
    finally:
        primary.destroy()


@pytest.fixture(scope="module")
def urls(clusters: tuple[Cluster, Cluster]) -> Iterator[tuple[str, str]]:
    """The app's database, migrated on the primary, as the primary and the replica serve it."""
    primary, replica = clusters
    with fresh_database(primary.url) as url:
        name = make_url(url).database
        assert name is not None
        yield url, with_database(replica.url, name)


@pytest.fixture(scope="module")
async def replicated(
    urls: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    primary_url, replica_url = urls
    settings = DatabaseSettings(
        url=primary_url,
        data_dir=tmp_path_factory.mktemp("stepwise-replica"),
        pool_size=3,
        max_overflow=2,
    ).model_copy(update={"read_url": replica_url})
    database = Database.connect(primary_url, settings)
    yield database
    await database.dispose()


@pytest.fixture(scope="module")
async def replicated_app(
    replicated: Database, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FastAPI]:
    settings = ApiSettings(
        data_dir=tmp_path_factory.mktemp("stepwise-replica-app"),
        pseudonym_key=SecretStr(secrets.token_hex(16)),
        auth=AuthSettings(
            signing_key=SecretStr(new_signing_key().decode()), principal_cache_seconds=0
        ),
    )
    app = create_app(settings, replicated)
    async with LifespanManager(app):
        yield app


@pytest.fixture
async def http(replicated_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=replicated_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://stepwise.test") as client:
        yield client


@pytest.fixture(scope="module")
async def trust(replicated_app: FastAPI, clusters: tuple[Cluster, Cluster]) -> World:
    """A trust of two schools, written on the primary and replayed on the replica."""
    runtime: Runtime = replicated_app.state.runtime
    world = await World.build(runtime)
    await _caught_up(*clusters)
    return world


# --- the replica's replay ----------------------------------------------------------------


async def _value(cluster: Cluster, sql: str, *args: Any) -> Any:
    """One value from the cluster's postgres database, as its superuser."""
    connection = await asyncpg.connect(libpq_url(cluster.url))
    try:
        return await connection.fetchval(sql, *args)
    finally:
        await connection.close()


async def _eventually(cluster: Cluster, sql: str, *args: Any, within: float = 20.0) -> None:
    for _ in range(int(within / 0.05)):
        if await _value(cluster, sql, *args):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not true within {within} s: {sql}")


async def _caught_up(primary: Cluster, replica: Cluster) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    lsn = await _value(primary, "SELECT pg_current_wal_lsn()::text")
    await _eventually(replica, "SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn", lsn)


@asynccontextmanager
async def _replay_paused(replica: Cluster) -> AsyncIterator[None]:
    await _value(replica, "SELECT pg_wal_replay_pause()")
    await _eventually(replica, "SELECT pg_get_wal_replay_pause_state() = 'paused'")
    try:
        yield
    finally:
        await _value(replica, "SELECT pg_wal_replay_resume()")


# --- what each side answers --------------------------------------------------------------


async def _record(http: httpx.AsyncClient, world: World, pupil: int) -> None:
    body = judgement_body(world, str(world.pupils[pupil].id), step="S3")
    response = await http.post(JUDGEMENTS, json=body, headers=world.headers("teacher"))
    assert response.status_code == 201, response.text


async def _primary_count(http: httpx.AsyncClient, world: World) -> int:
    """Judgements listed by /judgements, which reads the primary."""
    response = await http.get(
        JUDGEMENTS, params={"school_id": str(world.school.id)}, headers=world.headers("teacher")
    )
    assert response.status_code == 200, response.text
    return len(response.json()["items"])


async def _analytics(http: httpx.AsyncClient, world: World) -> dict[str, Any]:
    """What three analytics reads see: an export, a trust-wide cohort (split over two
    connections on one exported snapshot) and GraphQL's missing judgements."""
    export = await http.get(
        "/api/v1/exports/judgements",
        params={"school_id": str(world.school.id), "format": "ndjson"},
        headers=world.headers("school_admin"),
    )
    assert export.status_code == 200, export.text
    cohort = await http.get(
        "/api/v1/analytics/cohort",
        params={"academic_year": "2023/24", "module": 1, "trust_id": str(world.trust.id)},
        headers=world.headers("trust_analyst"),
    )
    assert cohort.status_code == 200, cohort.text
    query = """query ($school: UUID!) {
      missingJudgements(academicYear: "2023/24", module: 1, schoolId: $school) {
        items { pupilId strandId }
      }
    }"""
    graphql = await http.post(
        "/graphql",
        json={"query": query, "variables": {"school": str(world.school.id)}},
        headers=world.headers("teacher"),
    )
    assert graphql.status_code == 200, graphql.text
    assert "errors" not in graphql.json(), graphql.text
    return {
        "exported": len(export.text.splitlines()),
        "judged": cohort.json()["this_year"]["cohort"]["judged"],
        "missing": {
            (m["pupilId"], m["strandId"])
            for m in graphql.json()["data"]["missingJudgements"]["items"]
        },
    }


# --- the tests -----------------------------------------------------------------------------


async def test_analytics_read_the_replica_and_lag_with_it_while_primary_reads_do_not(
    http: httpx.AsyncClient, trust: World, clusters: tuple[Cluster, Cluster]
) -> None:
    primary, replica = clusters
    await _record(http, trust, pupil=0)
    await _caught_up(primary, replica)
    before = await _analytics(http, trust)
    assert (before["exported"], before["judged"], await _primary_count(http, trust)) == (1, 1, 1)

    async with _replay_paused(replica):
        await _record(http, trust, pupil=1)  # accepted: so written on the primary
        assert await _primary_count(http, trust) == 2
        assert await _analytics(http, trust) == before  # the replica has not replayed it

    await _caught_up(primary, replica)
    after = await _analytics(http, trust)
    assert (after["exported"], after["judged"]) == (2, 2)
    # pupil 1 went from "no judgement at all" to missing only the other strand
    pupil, other_strand = str(trust.pupils[1].id), str(trust.framework.strands[1].id)
    assert (pupil, None) in before["missing"]
    assert after["missing"] - before["missing"] == {(pupil, other_strand)}


async def test_writes_never_reach_the_replica_and_reads_there_are_read_only(
    replicated: Database, trust: World, clusters: tuple[Cluster, Cluster]
) -> None:
    primary, replica = clusters
    insert = text(
        "INSERT INTO modules"
        " (school_id, id, academic_year, sequence, name, starts_on, ends_on, version)"
        " VALUES (:school, :id, '2023/24', 9, 'smuggled', '2023-09-01', '2023-09-02', 1)"
    )
    with pytest.raises(DBAPIError, match="read-only transaction"):
        async with replicated.analytics_unit_of_work(Scope.unrestricted()) as uow:
            await uow.session.execute(insert, {"school": trust.school.id, "id": uuid.uuid4()})
    # which of the app's two engines has connections where: the primary's only on the
    # primary, the read engine's only on the replica
    database = make_url(replicated.url).database
    names = "SELECT array_agg(DISTINCT application_name) FROM pg_stat_activity WHERE datname = $1"
    assert set(await _value(primary, names, database)) == {"stepwise"}
    assert set(await _value(replica, names, database)) == {"stepwise-read"}


async def test_row_level_security_narrows_reads_on_the_hot_standby(
    replicated: Database, trust: World
) -> None:
    scope = Scope(frozenset({trust.school.id}), frozenset({trust.trust.id}))
    async with replicated.analytics_unit_of_work(scope) as uow:
        standby, user, read_only = (
            await uow.session.execute(
                text(
                    "SELECT pg_is_in_recovery(), current_user,"
                    " current_setting('transaction_read_only')"
                )
            )
        ).one()
        schools = set(
            (await uow.session.execute(text("SELECT DISTINCT school_id FROM pupils"))).scalars()
        )
    assert (standby, user, read_only) == (True, "stepwise_app", "on")
    assert schools == {trust.school.id}  # not the trust's other school, nor anyone else's


async def test_without_a_replica_analytics_read_the_primary(database: Database) -> None:
    assert database.replica is None
    async with database.analytics_unit_of_work(Scope.unrestricted()) as uow:
        name, read_only = (
            await uow.session.execute(
                text(
                    "SELECT current_setting('application_name'),"
                    " current_setting('transaction_read_only')"
                )
            )
        ).one()
    assert (name, read_only) == ("stepwise", "off")


def test_the_replica_is_named_by_read_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_READ_URL", "postgresql://not-this@replica/stepwise")
    assert DatabaseSettings().read_url is None
    monkeypatch.setenv("READ_DATABASE_URL", "postgresql://reader@replica/stepwise")
    assert DatabaseSettings().read_url == "postgresql://reader@replica/stepwise"


async def test_with_the_replica_down_analytics_answer_503_and_writes_carry_on(
    http: httpx.AsyncClient, trust: World, clusters: tuple[Cluster, Cluster]
) -> None:
    primary, replica = clusters
    replica.stop("immediate")
    try:
        export = await http.get(
            "/api/v1/exports/judgements",
            params={"school_id": str(trust.school.id)},
            headers=trust.headers("school_admin"),
        )
        assert export.status_code == 503, export.text
        assert export.headers["retry-after"]
        body = judgement_body(trust, str(trust.pupils[0].id), strand=1, step="S4")
        written = await http.post(JUDGEMENTS, json=body, headers=trust.headers("teacher"))
        assert written.status_code == 201, written.text
    finally:
        replica.start()
    await _caught_up(primary, replica)
    export = await http.get(
        "/api/v1/exports/judgements",
        params={"school_id": str(trust.school.id), "format": "ndjson"},
        headers=trust.headers("school_admin"),
    )
    assert export.status_code == 200, export.text  # the pool reconnects by itself
    assert len(export.text.splitlines()) == await _primary_count(http, trust)
