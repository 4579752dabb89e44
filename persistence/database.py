"""The running database as the rest of the service sees it: engine, sessions, units of work."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from persistence.engine import create_engine, make_session_factory
from persistence.scope import Scope
from persistence.settings import DatabaseSettings
from persistence.unit_of_work import SqlUnitOfWork


@dataclass
class Database:
    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @classmethod
    def connect(cls, url: str, settings: DatabaseSettings) -> "Database":
        engine = create_engine(url, settings)
        return cls(url=url, engine=engine, sessions=make_session_factory(engine))

    def unit_of_work(self, scope: Scope) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions, scope)

    async def dispose(self) -> None:
        await self.engine.dispose()
