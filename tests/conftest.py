"""Shared fixtures: a real, migrated PostgreSQL and the app wired to it."""

import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pydantic import SecretStr

from api.app import create_app
from api.identity.keys import new_signing_key
from api.runtime import Runtime
from api.settings import ApiSettings, AuthSettings
from persistence.database import Database
from persistence.settings import DatabaseSettings
from tests.database import fresh_database, server_url
from tests.factories import World


@pytest.fixture(scope="session")
def server() -> str:
    return server_url()


@pytest.fixture(scope="session")
def database_url(server: str) -> Iterator[str]:
    with fresh_database(server) as url:
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> ApiSettings:
    data_dir: Path = tmp_path_factory.mktemp("stepwise-data")
    return ApiSettings(
        data_dir=data_dir,
        pseudonym_key=SecretStr(secrets.token_hex(16)),
        auth=AuthSettings(
            signing_key=SecretStr(new_signing_key().decode()), principal_cache_seconds=0
        ),
        database=DatabaseSettings(url=database_url, data_dir=data_dir, pool_size=5, max_overflow=5),
    )


@pytest.fixture(scope="session")
async def database(settings: ApiSettings) -> AsyncIterator[Database]:
    assert settings.database.url is not None
    db = Database.connect(settings.database.url, settings.database)
    yield db
    await db.dispose()


@pytest.fixture(scope="session")
async def app(settings: ApiSettings, database: Database) -> AsyncIterator[FastAPI]:
    application = create_app(settings, database)
    async with LifespanManager(application):
        yield application


@pytest.fixture(scope="session")
def runtime(app: FastAPI) -> Runtime:
    result: Runtime = app.state.runtime
    return result


def client_address() -> tuple[str, int]:
    """A client address of a test's own (TEST-NET-2, RFC 5737): sign-in failures are counted
    per address across the whole session's database, and one test's must not slow another's."""
    return (f"198.51.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}", 50000)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=client_address())
    async with httpx.AsyncClient(transport=transport, base_url="http://stepwise.test") as http:
        yield http


@pytest.fixture
async def world(runtime: Runtime) -> World:
    """A fresh trust with two schools, a framework, modules, pupils and one user per role."""
    return await World.build(runtime)


@pytest.fixture
async def other_world(runtime: Runtime) -> World:
    """A second, unrelated trust: its tokens must never see `world`'s data."""
    return await World.build(runtime)
