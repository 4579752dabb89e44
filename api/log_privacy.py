"""Keeping pupils' names, UPNs and MIS ids out of the service's logs.

Logs are kept longer, copied further and read by more people than the database, so nothing
that identifies a pupil may reach them. Where it could:

- uvicorn's access log writes the request target: query strings (`?upn=...`) and any path
  segment a client put a name in. `AccessLogRedaction` keeps the path's route words and
  ids only, and drops the query.
- SQLAlchemy logs result rows at DEBUG (a root logger at DEBUG is enough); `SqlRowsDropped`
  drops them. Bound parameters are hidden by the engine itself (persistence/engine.py).
- error messages quote values (graphql-core quotes the variable it could not coerce; a
  database error quotes the input it could not parse). `described` gives an exception's
  type, SQLSTATE and constraint, and where it was raised, never its message.

`install` is called by create_app, so `stepwise serve` and any other ASGI server get it.
"""

import logging
import re
import traceback
from collections.abc import Callable, Iterable

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_HIDDEN = "*"


class AccessLogRedaction(logging.Filter):
    """uvicorn.access records are `'%s - "%s %s HTTP/%s" %d'` with the target third."""

    def __init__(self, route_paths: Callable[[], Iterable[str]]) -> None:
        super().__init__()
        self._route_paths = route_paths
        self._words: frozenset[str] | None = None

    @property
    def words(self) -> frozenset[str]:
        """The literal segments of the app's routes, read once, when the first request is
        logged (the app is complete by then)."""
        if self._words is None:
            paths = self._route_paths()
            self._words = frozenset(
                s for p in paths for s in p.split("/") if not s.startswith("{")
            ) | {""}
        return self._words

    def redacted(self, target: str) -> str:
        path = target.split("?", 1)[0]
        return "/".join(
            s if s in self.words or _UUID.match(s) else _HIDDEN for s in path.split("/")
        )

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], self.redacted(args[2]), *args[3:])
        return True


class SqlRowsDropped(logging.Filter):
    """SQLAlchemy's engine logs each fetched row as `Row %r`: pupils' records, verbatim."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Row "))


def described(error: BaseException) -> str:
    """The error's type (and the causes'), SQLSTATE and constraint if a database said so,
    and the frames it passed through: enough to find the bug, without the message."""
    parts: list[str] = []
    seen: BaseException | None = error
    while seen is not None and len(parts) < 5:
        kind = type(seen).__qualname__
        orig = getattr(seen, "orig", None)
        state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        constraint = getattr(getattr(orig, "__cause__", None), "constraint_name", None)
        parts.append(
            " ".join(
                p
                for p in (
                    kind,
                    state and f"sqlstate={state}",
                    constraint and f"constraint={constraint}",
                )
                if p
            )
        )
        seen = seen.__cause__ or seen.__context__
    frames = "".join(
        f"\n  {f.filename}:{f.lineno} in {f.name}"
        for f in traceback.extract_tb(error.__traceback__)
    )
    return " <- ".join(parts) + frames


def _replace_filter(logger: logging.Logger, new: logging.Filter) -> None:
    for old in [f for f in logger.filters if type(f) is type(new)]:
        logger.removeFilter(old)
    logger.addFilter(new)


def install(route_paths: Callable[[], Iterable[str]]) -> None:
    """Attach the filters to the loggers that write request targets and rows (idempotent:
    an app built again replaces its filters rather than stacking them)."""
    _replace_filter(logging.getLogger("uvicorn.access"), AccessLogRedaction(route_paths))
    _replace_filter(logging.getLogger("sqlalchemy.engine.Engine"), SqlRowsDropped())
