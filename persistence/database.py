"""The running database as the rest of the service sees it: engine, sessions, units of work."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from persistence.analytics.partitions import Partitions
from persistence.engine import create_engine, make_session_factory
from persistence.scope import Scope
from persistence.settings import DatabaseSettings
from persistence.unit_of_work import SqlUnitOfWork


@dataclass
class Database:
    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    #: connections a trust-wide analysis is split across (persistence.analytics.partitions)
    analytics_parallelism: int = 1

    @classmethod
    def connect(cls, url: str, settings: DatabaseSettings) -> "Database":
        engine = create_engine(url, settings)
        return cls(
            url=url,
            engine=engine,
            sessions=make_session_factory(engine),
            analytics_parallelism=settings.analytics_parallelism,
        )

    def unit_of_work(self, scope: Scope) -> SqlUnitOfWork:
        partitions = Partitions(self.engine, self.analytics_parallelism)
        return SqlUnitOfWork(self.sessions, scope, partitions)

    async def dispose(self) -> None:
        await self.engine.dispose()
