"""Engine and session factory. Built by the composition root, never at import time."""

import errno
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from persistence.settings import DatabaseSettings
from persistence.urls import async_url


def create_engine(url: str, settings: DatabaseSettings, *, read_only: bool = False) -> AsyncEngine:
    """`read_only`: every transaction on its connections is read-only, so a write sent to a
    replica's engine by mistake is refused even where the server itself would accept it."""
    server_settings = {
        "statement_timeout": str(settings.statement_timeout_ms),
        "application_name": "stepwise-read" if read_only else "stepwise",
        "jit": "on" if settings.jit else "off",
    }
    if read_only:
        server_settings["default_transaction_read_only"] = "on"
    engine = create_async_engine(
        async_url(url),
        echo=settings.echo,
        # bound values are pupils' names and UPNs: never in SQL logs or error messages
        hide_parameters=True,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_timeout=settings.pool_timeout,
        pool_pre_ping=True,
        connect_args={"server_settings": server_settings},
    )
    event.listen(engine.sync_engine, "do_connect", _refused_when_the_socket_is_gone)
    return engine


def _refused_when_the_socket_is_gone(
    dialect: Dialect, _: Any, cargs: tuple[Any, ...], cparams: dict[str, Any]
) -> Any:
    """A server on a Unix socket (the embedded one, a private replica) that is down has no
    socket file, and connecting fails with FileNotFoundError, which says nothing about a
    database. Report it as the refused connection it is, so callers get 503, not 500."""
    try:
        return dialect.connect(*cargs, **cparams)
    except FileNotFoundError as error:
        raise ConnectionRefusedError(
            errno.ECONNREFUSED, f"no PostgreSQL listening: {error}"
        ) from error


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
