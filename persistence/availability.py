"""Which database failures mean "PostgreSQL is not there just now" rather than a fault.

While PostgreSQL restarts, a request can fail in several ways that say nothing about the
request: the connection is refused or its socket is gone, the server answers "the database
system is shutting down / starting up / not yet accepting connections" (SQLSTATE 57P03),
a backend is terminated mid-transaction (57P01, 57P02, or the socket simply closes:
asyncpg's ConnectionDoesNotExistError, 08003), every connection is taken (53300), or no
pooled connection came free within the pool timeout (also under plain overload). A
trust-wide analysis runs its parts in a TaskGroup, so these can arrive in an exception
group. The adapters answer them with 503 and Retry-After, so clients retry; anything else
is a fault.
"""

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

#: SQLSTATE class 08: connection exception
_CONNECTION_CLASS = "08"
#: admin shutdown, crash shutdown, cannot connect now, too many connections
_UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03", "53300"})
#: how far down __cause__ / __context__ to look (SQLAlchemy wraps the adapter's error,
#: which wraps asyncpg's, which may wrap the ConnectionError)
_DEPTH = 6


def _sqlstate(error: BaseException) -> str | None:
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return state if isinstance(state, str) else None


def database_unavailable(error: BaseException) -> bool:
    """True if `error`, or what it wraps, says the server cannot be reached or is restarting."""
    seen: BaseException | None = error
    for _ in range(_DEPTH):
        if seen is None:
            return False
        if isinstance(seen, BaseExceptionGroup):
            return any(database_unavailable(e) for e in seen.exceptions)
        if isinstance(seen, PoolTimeout):
            return True
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        if isinstance(seen, ConnectionError):  # refused or reset (a vanished Unix socket is
            return True  # turned into a refused connection by persistence.engine)
        state = _sqlstate(seen)
        if state and (state.startswith(_CONNECTION_CLASS) or state in _UNAVAILABLE_STATES):
            return True
        wrapped = seen.orig if isinstance(seen, DBAPIError) else None
        seen = wrapped or seen.__cause__ or seen.__context__
    return False
