"""Turning the URLs people type into the ones each driver wants."""

from sqlalchemy.engine import URL, make_url


def async_url(url: str) -> URL:
    """postgresql://... (or postgres://...) -> postgresql+asyncpg://..."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    return parsed.set(drivername="postgresql+asyncpg")


def with_database(url: str, database: str) -> str:
    return async_url(url).set(database=database).render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """A plain postgresql:// URL (asyncpg.connect and psql accept it)."""
    return async_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
