"""The running database as the rest of the service sees it: engine, sessions, units of work.

With READ_DATABASE_URL set there are two: the primary, which every write and every read
that must see the caller's own writes go to, and a read replica (a hot standby, some
milliseconds behind) that the analytics adapters ask for with `analytics_unit_of_work`.
Unset, both are the primary, exactly as before. The use cases cannot tell the difference.
"""

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from persistence.analytics.partitions import Partitions
from persistence.engine import create_engine, make_session_factory
from persistence.scope import Scope
from persistence.settings import DatabaseSettings
from persistence.unit_of_work import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class ReadReplica:
    """The replica's engine: read-only transactions, its own pool of the same size."""

    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @classmethod
    def connect(cls, url: str, settings: DatabaseSettings) -> "ReadReplica":
        engine = create_engine(url, settings, read_only=True)
        return cls(url=url, engine=engine, sessions=make_session_factory(engine))


@dataclass
class Database:
    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    #: connections a trust-wide analysis is split across (persistence.analytics.partitions)
    analytics_parallelism: int = 1
    #: where analytics read when READ_DATABASE_URL is set; None: the primary serves them
    replica: ReadReplica | None = None
    #: what the engines were made with, for `twin`
    settings: DatabaseSettings = field(default_factory=DatabaseSettings)

    @classmethod
    def connect(cls, url: str, settings: DatabaseSettings) -> "Database":
        engine = create_engine(url, settings)
        return cls(
            url=url,
            engine=engine,
            sessions=make_session_factory(engine),
            analytics_parallelism=settings.analytics_parallelism,
            replica=ReadReplica.connect(settings.read_url, settings) if settings.read_url else None,
            settings=settings,
        )

    def twin(self) -> "Database":
        """The same servers through engines of its own. An engine's connections belong to the
        event loop that opened them, so another loop (a worker thread's) needs its own."""
        read_url = self.replica.url if self.replica is not None else None
        return Database.connect(self.url, self.settings.model_copy(update={"read_url": read_url}))

    def unit_of_work(self, scope: Scope) -> SqlUnitOfWork:
        """On the primary: writes, and reads that must see what the caller just wrote."""
        partitions = Partitions(self.engine, self.analytics_parallelism)
        return SqlUnitOfWork(self.sessions, scope, partitions)

    def analytics_unit_of_work(self, scope: Scope) -> SqlUnitOfWork:
        """On the replica if there is one (read-only; a write through it fails), else the
        primary. Row-level security applies there as on the primary: the scope settings are
        transaction-local set_config calls, which a hot standby accepts."""
        if self.replica is None:
            return self.unit_of_work(scope)
        partitions = Partitions(self.replica.engine, self.analytics_parallelism)
        return SqlUnitOfWork(self.replica.sessions, scope, partitions)

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.replica is not None:
            await self.replica.engine.dispose()
