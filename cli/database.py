"""The database a command works on: found the way `serve` finds it, migrated, always disposed.

DATABASE_URL wins; without it the embedded PostgreSQL under the data directory is
started (and stopped when the command exits). Alembic's environment calls
asyncio.run itself, so migrations run before the command's own event loop.
"""

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.engine import make_url

from api.identity.passwords import Argon2PasswordHasher
from api.settings import ApiSettings
from cli.failures import reported
from domain.kernel.access import Principal
from persistence.database import Database
from persistence.embedded import database_url
from persistence.migrate import upgrade
from persistence.scope import Scope
from persistence.unit_of_work import SqlUnitOfWork

T = TypeVar("T")


def masked(url: str) -> str:
    """The URL as it may be printed: the password replaced by ***."""
    return make_url(url).render_as_string(hide_password=True)


def resolved(settings: ApiSettings) -> str:
    """DATABASE_URL, else the embedded server's URL (starting it if needed)."""
    return database_url(settings.database)


def pinned(settings: ApiSettings, url: str) -> ApiSettings:
    """`settings` with the database URL fixed, so nothing resolves (or starts) it twice."""
    database = settings.database.model_copy(update={"url": url})
    return settings.model_copy(update={"database": database})


def migrated(settings: ApiSettings) -> str:
    """Resolve the database and bring it to the latest revision (idempotent)."""
    url = resolved(settings)
    upgrade(url)
    return url


@dataclass(frozen=True, slots=True)
class Operator:
    """The person at the command line: the system principal, one fresh unit of work per use case."""

    database: Database
    actor: Principal = field(default_factory=Principal.system)
    hasher: Argon2PasswordHasher = field(default_factory=Argon2PasswordHasher)

    def uow(self) -> SqlUnitOfWork:
        return self.database.unit_of_work(Scope.unrestricted())


def run(work: Callable[[Operator], Coroutine[Any, Any, T]]) -> T:
    """Resolve and migrate the database, run `work` in one event loop, dispose the engine.

    Refusals from the use cases (and an unreachable database) end the command with a
    readable message and exit status 1.
    """
    settings = ApiSettings()
    with reported():
        url = migrated(settings)
        return asyncio.run(_connected(url, settings, work))


def on(url: str, settings: ApiSettings, work: Callable[[Operator], Coroutine[Any, Any, T]]) -> T:
    """`work` on the database at `url`, already migrated, in one event loop."""
    return asyncio.run(_connected(url, settings, work))


async def _connected(
    url: str, settings: ApiSettings, work: Callable[[Operator], Coroutine[Any, Any, T]]
) -> T:
    database = Database.connect(url, settings.database)
    try:
        return await work(Operator(database))
    finally:
        await database.dispose()
