"""What the targets feature needs from storage, and the filters its lists take.

Repositories speak in entities and are already narrowed to the caller's scope by the
unit of work that owns them: a row outside it is simply not there. Every filter is
narrowed to the caller's scope too."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from domain.kernel.calendar import AcademicYear
from domain.kernel.paging import Page, PageRequest
from domain.targets.target import (
    OutcomeEvaluation,
    OutcomeStatus,
    OutcomeTarget,
    Target,
    TargetRevision,
    TargetStatus,
)


@dataclass(frozen=True, slots=True)
class TargetFilter:
    school_id: uuid.UUID | None = None
    pupil_id: uuid.UUID | None = None
    strand_id: uuid.UUID | None = None
    academic_year: AcademicYear | None = None
    status: TargetStatus | None = None


@dataclass(frozen=True, slots=True)
class OutcomeTargetFilter:
    school_id: uuid.UUID | None = None
    pupil_id: uuid.UUID | None = None
    status: OutcomeStatus | None = None


class TargetRepository(Protocol):
    async def get(self, target_id: uuid.UUID) -> Target | None: ...
    async def current(
        self, pupil_id: uuid.UUID, strand_id: uuid.UUID, academic_year: str
    ) -> Target | None: ...
    async def add(self, target: Target) -> None: ...
    async def update(self, target: Target, previous_version: int) -> None: ...
    async def add_revision(self, school_id: uuid.UUID, revision: TargetRevision) -> None: ...
    async def chains(self, target_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Target]]: ...
    async def matching(self, filter: TargetFilter, page: PageRequest) -> Page[Target]: ...
    async def for_pupils(self, pupil_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Target]]: ...
    async def pages_for_pupils(
        self, pupil_ids: Sequence[uuid.UUID], filter: TargetFilter, page: PageRequest
    ) -> dict[uuid.UUID, Page[Target]]: ...


class OutcomeTargetRepository(Protocol):
    async def get(self, outcome_id: uuid.UUID) -> OutcomeTarget | None: ...
    async def add(self, outcome: OutcomeTarget) -> None: ...
    async def update(self, outcome: OutcomeTarget, previous_version: int) -> None: ...
    async def add_evaluation(
        self, outcome: OutcomeTarget, evaluation: OutcomeEvaluation
    ) -> None: ...
    async def matching(
        self, filter: OutcomeTargetFilter, page: PageRequest
    ) -> Page[OutcomeTarget]: ...


class HasTargets(Protocol):
    @property
    def targets(self) -> TargetRepository: ...


class HasOutcomes(Protocol):
    @property
    def outcomes(self) -> OutcomeTargetRepository: ...


class TargetsRepositories(HasTargets, HasOutcomes, Protocol):
    """What the unit of work offers of the targets feature (domain.unit_of_work). A use case
    asks only for what it uses (`Has...`), so an in-memory unit of work for its tests need
    offer no more."""
