"""The unit of work: one transaction, with every feature's repositories narrowed to the
caller's scope. Nothing is kept unless the use case calls `commit`.

Each feature says what it offers in its own ports (`<Feature>Repositories`); the unit of work
is all of them together, so a new repository is one property in its feature's ports."""

from typing import Protocol, Self

from domain.analytics.ports import AnalyticsRepositories
from domain.assessment.ports import AssessmentRepositories
from domain.identity.ports import IdentityRepositories
from domain.integration.ports import IntegrationRepositories
from domain.organisation.ports import OrganisationRepositories
from domain.outcomes.ports import OutcomesRepositories
from domain.privacy.ports import PrivacyRepositories
from domain.pupils.ports import PupilsRepositories
from domain.targets.ports import TargetsRepositories


class UnitOfWork(
    OrganisationRepositories,
    IdentityRepositories,
    PupilsRepositories,
    AssessmentRepositories,
    TargetsRepositories,
    OutcomesRepositories,
    AnalyticsRepositories,
    IntegrationRepositories,
    PrivacyRepositories,
    Protocol,
):
    """One transaction. Nothing is kept unless the use case calls `commit`."""

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
