"""The SQL unit of work: one session, one transaction, repositories narrowed to a scope.

For a restricted scope every transaction starts with
`set_config('role', 'stepwise_app')` and the visible school and trust ids, so
PostgreSQL row-level security filters rows even if a repository forgot to.
The same statement names the actor (`stepwise.actor`, `_name`, `_kind`) that the
audit triggers record. The settings are transaction-local: a pooled connection
carries nothing over.
"""

from typing import Any, Self

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, SessionTransaction

from domain.integration.audit import SYSTEM_ACTOR
from persistence.analytics.partitions import Partitions
from persistence.analytics.repositories import AnalyticsRepositories
from persistence.assessment.repositories import AssessmentRepositories
from persistence.constraints import translate
from persistence.identity.repositories import IdentityRepositories
from persistence.integration.repositories import IntegrationRepositories
from persistence.organisation.repositories import OrganisationRepositories
from persistence.outcomes.repositories import OutcomesRepositories
from persistence.privacy.repositories import PrivacyRepositories
from persistence.pupils.repositories import PupilsRepositories
from persistence.scope import ACTOR_SQL, SCOPE_SQL, Scope
from persistence.targets.repositories import TargetsRepositories


class SqlUnitOfWork(
    OrganisationRepositories,
    IdentityRepositories,
    PupilsRepositories,
    AssessmentRepositories,
    TargetsRepositories,
    OutcomesRepositories,
    AnalyticsRepositories,
    IntegrationRepositories,
    PrivacyRepositories,
):
    """The features' repositories (each built on first use) over one session and scope."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        scope: Scope,
        partitions: Partitions | None = None,
    ) -> None:
        self._session_factory = session_factory
        self.scope = scope
        self.partitions = partitions
        self._session: AsyncSession | None = None
        self.built: dict[str, object] = {}

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._session

    async def __aenter__(self) -> Self:
        session = self._session_factory()
        # restricted: role, visible ids and actor. Unrestricted: nothing for the operator (the
        # audit triggers read an unset actor as `system`), so sign-in costs no extra statement
        first, params = (
            (SCOPE_SQL, self.scope.scope_params())
            if self.scope.restricted
            else (ACTOR_SQL, self.scope.actor_params())
        )
        if self.scope.restricted or self.scope.actor != SYSTEM_ACTOR:

            def apply_scope(_: Session, __: SessionTransaction, connection: Any) -> None:
                connection.execute(first, params)

            event.listen(session.sync_session, "after_begin", apply_scope)
        self._session = session
        self.built = {}
        return self

    async def __aexit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        session, self._session = self._session, None
        self.built = {}
        if session is not None:
            try:
                await session.rollback()
            finally:
                await session.close()
        if isinstance(exc, DBAPIError) and (domain_error := translate(exc)) is not None:
            raise domain_error from exc

    async def commit(self) -> None:
        try:
            await self.session.commit()
        except DBAPIError as error:
            if (domain_error := translate(error)) is not None:
                raise domain_error from error
            raise

    async def rollback(self) -> None:
        await self.session.rollback()
