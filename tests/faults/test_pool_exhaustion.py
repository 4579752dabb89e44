"""When every pooled connection is busy: a prompt 503 (never a 500), and trust-wide
analyses that need several connections each do not wait for each other forever."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from asgi_lifespan import LifespanManager

from api.app import create_app
from api.settings import ApiSettings
from persistence.database import Database
from tests.factories import World


@asynccontextmanager
async def small_pool_app(
    settings: ApiSettings, size: int, pool_timeout: float
) -> AsyncIterator[tuple[httpx.AsyncClient, Database]]:
    assert settings.database.url is not None
    database_settings = settings.database.model_copy(
        update={"pool_size": size, "max_overflow": 0, "pool_timeout": pool_timeout}
    )
    database = Database.connect(settings.database.url, database_settings)
    app = create_app(settings.model_copy(update={"database": database_settings}), database)
    try:
        async with LifespanManager(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                yield client, database
    finally:
        await database.dispose()


async def test_a_request_that_waits_out_the_pool_gets_a_503_with_retry_after(
    settings: ApiSettings, world: World
) -> None:
    async with small_pool_app(settings, size=1, pool_timeout=0.5) as (client, database):
        async with database.engine.connect() as held:  # the pool's only connection
            await held.exec_driver_sql("SELECT 1")
            started = time.monotonic()
            response = await client.get("/api/v1/pupils", headers=world.headers("teacher"))
            waited = time.monotonic() - started
        after = await client.get("/api/v1/pupils", headers=world.headers("teacher"))

    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "2"
    assert response.json()["type"] == "urn:stepwise:problem:unavailable"
    assert waited < 3
    assert after.status_code == 200


async def test_concurrent_trust_analyses_on_a_small_pool_all_finish(
    settings: ApiSettings, world: World
) -> None:
    # each split analysis holds one connection and asks for two more: six at once on a pool
    # of three would hold all three and wait for each other until the pool timed out
    params: dict[str, str | int] = {
        "trust_id": str(world.trust.id),
        "academic_year": "2023/24",
        "module": 1,
    }
    analyst = world.headers("trust_analyst")
    async with small_pool_app(settings, size=3, pool_timeout=5) as (client, _):
        started = time.monotonic()
        responses = await asyncio.gather(
            *(
                client.get("/api/v1/analytics/cohort", params=params, headers=analyst)
                for _ in range(6)
            )
        )
        took = time.monotonic() - started

    assert [r.status_code for r in responses] == [200] * 6, responses[0].text
    assert len({r.text for r in responses}) == 1
    assert took < 5  # nothing waited for the pool timeout


async def test_a_split_analysis_whose_parts_wait_out_the_pool_gets_a_503(
    settings: ApiSettings, world: World
) -> None:
    # the parts run in a TaskGroup: their pool timeout arrives wrapped in an exception group
    params: dict[str, str | int] = {
        "trust_id": str(world.trust.id),
        "academic_year": "2023/24",
        "module": 1,
    }
    async with (
        small_pool_app(settings, size=3, pool_timeout=0.5) as (client, database),
        database.engine.connect() as held,  # two of three: the session gets the last one
        database.engine.connect() as also_held,
    ):
        for connection in (held, also_held):
            await connection.exec_driver_sql("SELECT 1")
        response = await client.get(
            "/api/v1/analytics/cohort", params=params, headers=world.headers("trust_analyst")
        )

    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "2"
