"""Service settings (env prefix STEPWISE_), grouped apart from the database's own."""

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.identity.sign_in import Rules, ThrottleRule, ThrottleScope
from domain.kernel.access import Role
from persistence.settings import DatabaseSettings, default_data_dir

PLACEHOLDERS = {"changeme", "change-me", "secret", "password", "stepwise"}


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STEPWISE_AUTH_", extra="ignore")

    issuer: str = "https://stepwise.local"
    audience: str = "stepwise-api"
    access_token_minutes: int = Field(default=60, ge=1, le=24 * 60)
    #: RS256 private key (PEM). Unset: a key is generated once and kept in the data directory.
    signing_key: SecretStr | None = None
    #: Seconds a resolved caller (role and scope) is cached; deactivation takes effect within it.
    principal_cache_seconds: float = Field(default=10.0, ge=0)
    leeway_seconds: int = Field(default=30, ge=0, le=60)
    #: Wrong passwords (or secrets) an account may have in a row before each attempt waits
    #: (1 s, doubling, up to `sign_in_longest_wait_seconds`); a success clears the count.
    sign_in_free_failures_per_account: int = Field(default=5, ge=1, le=1000)
    #: The same for one client address (a school's staff share one behind its router).
    sign_in_free_failures_per_address: int = Field(default=50, ge=1, le=100_000)
    sign_in_longest_wait_seconds: int = Field(default=900, ge=1, le=86_400)
    #: Failures further apart than this start the count again.
    sign_in_window_seconds: int = Field(default=900, ge=1, le=86_400)

    def sign_in_rules(self) -> Rules:
        window = timedelta(seconds=self.sign_in_window_seconds)
        longest = timedelta(seconds=self.sign_in_longest_wait_seconds)
        return {
            ThrottleScope.ACCOUNT: ThrottleRule(
                self.sign_in_free_failures_per_account, window, longest
            ),
            ThrottleScope.ADDRESS: ThrottleRule(
                self.sign_in_free_failures_per_address, window, longest
            ),
        }


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STEPWISE_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Field(default_factory=default_data_dir)
    #: Key for analysts' pupil pseudonyms. Unset: generated once and kept in the data directory.
    pseudonym_key: SecretStr | None = None
    cors_origins: list[str] = Field(default_factory=list)
    #: Run migrations when the app starts on a database it opens itself (not when one is given).
    migrate_on_start: bool = True
    graphql_max_depth: int = 10
    #: The most one GraphQL operation may cost, per role (api/graphql/cost.py says how a cost
    #: is worked out). A role left out gets the lowest of these.
    graphql_budgets: dict[Role, int] = Field(
        default_factory=lambda: {
            Role.TEACHER: 25_000,
            Role.SCHOOL_ADMIN: 25_000,
            Role.TRUST_ADMIN: 100_000,
            Role.TRUST_ANALYST: 100_000,
            Role.INTEGRATION: 100_000,
        }
    )
    #: Seconds one GraphQL operation may run before it is stopped and answered with an error.
    graphql_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    #: GraphQL operations resolved at once; the rest wait their turn within their time limit.
    graphql_concurrency: int = Field(default=4, ge=1, le=64)
    #: National attendance % that school reports compare with. 87.0: state-funded special
    #: schools' overall absence was about 13% in the DfE's "Pupil absence in schools in
    #: England" (2022/23 and 2023/24), the "87% for SEN schools" seed 000 quotes.
    reports_national_attendance: float = Field(default=87.0, ge=0, le=100)
    #: `production`: GraphiQL and /docs are off unless turned on, keys must be given (never
    #: generated), and `stepwise serve` will not serve a database whose demo accounts still
    #: have their published passwords.
    env: Literal["development", "production"] = "development"
    #: GraphiQL at GET /graphql; unset: on, except in production
    graphiql: bool | None = None
    #: the OpenAPI pages at /docs; unset: on, except in production (/openapi.json stays)
    docs: bool | None = None
    #: the largest request body, except the streamed imports (api/body_limit.py)
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024, le=1024 * 1024 * 1024)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def graphiql_on(self) -> bool:
        return self.graphiql if self.graphiql is not None else not self.production

    @property
    def docs_on(self) -> bool:
        return self.docs if self.docs is not None else not self.production

    @field_validator("pseudonym_key")
    @classmethod
    def _not_placeholder(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and (
            value.get_secret_value().lower() in PLACEHOLDERS or len(value.get_secret_value()) < 16
        ):
            raise ValueError("use a real secret of 16+ characters, not a placeholder")
        return value
