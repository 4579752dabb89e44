"""Engine and session factory. Built by the composition root, never at import time."""

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from persistence.settings import DatabaseSettings
from persistence.urls import async_url


def create_engine(url: str, settings: DatabaseSettings) -> AsyncEngine:
    return create_async_engine(
        async_url(url),
        echo=settings.echo,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_timeout=settings.pool_timeout,
        pool_pre_ping=True,
        connect_args={
            "server_settings": {
                "statement_timeout": str(settings.statement_timeout_ms),
                "application_name": "stepwise",
                "jit": "on" if settings.jit else "off",
            },
        },
    )


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
