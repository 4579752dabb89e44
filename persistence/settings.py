"""Database settings. With no DATABASE_URL the service runs on an embedded PostgreSQL;
with READ_DATABASE_URL analytics read a replica (persistence.database)."""

from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("stepwise", appauthor=False))


class DatabaseSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DATABASE_", extra="ignore")

    url: str | None = Field(
        default=None,
        description="postgresql:// URL; unset = start an embedded server under data_dir",
    )
    read_url: str | None = Field(
        default=None,
        # the variable operators expect beside DATABASE_URL, not DATABASE_READ_URL
        validation_alias="READ_DATABASE_URL",
        description="postgresql:// URL of a read replica (a hot standby of `url`) that"
        " cohort analytics, reports and exports read from; unset = they read the primary",
    )
    data_dir: Path = Field(default_factory=default_data_dir)
    pool_size: int = 10
    max_overflow: int = 10
    pool_timeout: float = 10.0
    statement_timeout_ms: int = 30_000
    echo: bool = False
    jit: bool = Field(
        default=False,
        description="PostgreSQL JIT for the service's statements: off by default, since"
        " compiling costs more than it saves on analytics that run for well under a second",
    )
    analytics_parallelism: int = Field(
        default=2,
        ge=1,
        le=16,
        description="connections a trust-wide cohort analysis is split across, by school",
    )
