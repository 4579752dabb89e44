"""What the assessment feature needs from storage, and the filters its lists take.

Repositories speak in entities and are already narrowed to the caller's scope by the
unit of work that owns them: a row outside it is simply not there. Every filter is
narrowed to the caller's scope too."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from domain.assessment.framework import Framework, Step, Strand
from domain.assessment.judgement import Judgement, JudgementKind, JudgementRevision
from domain.kernel.calendar import AcademicYear, Module
from domain.kernel.paging import Page, PageRequest
from domain.pupils.pupil import normalise_year_group


@dataclass(frozen=True, slots=True)
class FrameworkFilter:
    """Frameworks owned by `school_id`, by its trust, or by `trust_id`."""

    school_id: uuid.UUID | None = None
    trust_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class ModuleFilter:
    school_id: uuid.UUID | None = None
    academic_year: AcademicYear | None = None


@dataclass(frozen=True, slots=True)
class JudgementFilter:
    school_id: uuid.UUID | None = None
    pupil_id: uuid.UUID | None = None
    strand_id: uuid.UUID | None = None
    module_id: uuid.UUID | None = None
    kind: JudgementKind | None = None
    year_group: str | None = None
    pathway: str | None = None

    def __post_init__(self) -> None:
        if self.year_group is not None:
            object.__setattr__(self, "year_group", normalise_year_group(self.year_group))


class FrameworkRepository(Protocol):
    async def get(self, framework_id: uuid.UUID) -> Framework | None: ...
    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[Framework]: ...
    async def for_strands(self, strand_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Framework]: ...
    async def add(self, framework: Framework) -> None: ...
    async def update(self, framework: Framework, previous_version: int) -> None: ...
    async def delete(self, framework: Framework) -> None: ...
    async def matching(self, filter: FrameworkFilter, page: PageRequest) -> Page[Framework]: ...
    async def in_use(self, framework_id: uuid.UUID) -> bool: ...
    async def steps(self, step_ids: Sequence[uuid.UUID]) -> list[Step]: ...
    async def strands(self, strand_ids: Sequence[uuid.UUID]) -> list[Strand]: ...


class ModuleRepository(Protocol):
    async def get(self, module_id: uuid.UUID) -> Module | None: ...
    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[Module]: ...
    async def add(self, module: Module) -> None: ...
    async def update(self, module: Module, previous_version: int) -> None: ...
    async def delete(self, module: Module) -> None: ...
    async def matching(self, filter: ModuleFilter, page: PageRequest) -> Page[Module]: ...
    async def in_use(self, module_id: uuid.UUID) -> bool: ...


class JudgementRepository(Protocol):
    async def get(self, judgement_id: uuid.UUID) -> Judgement | None: ...
    async def find(
        self, pupil_id: uuid.UUID, strand_id: uuid.UUID, module_id: uuid.UUID
    ) -> Judgement | None: ...
    async def add(self, judgement: Judgement) -> None: ...
    async def add_many(self, judgements: Sequence[Judgement]) -> None: ...
    async def update(self, judgement: Judgement, previous_version: int) -> None: ...
    async def delete(self, judgement: Judgement) -> None: ...
    async def add_revision(self, school_id: uuid.UUID, revision: JudgementRevision) -> None: ...
    async def revisions(
        self, judgement_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[JudgementRevision]]: ...
    async def matching(self, filter: JudgementFilter, page: PageRequest) -> Page[Judgement]: ...
    async def for_pupils(
        self, pupil_ids: Sequence[uuid.UUID], module_id: uuid.UUID | None = None
    ) -> dict[uuid.UUID, list[Judgement]]: ...
    async def pages_for_pupils(
        self, pupil_ids: Sequence[uuid.UUID], filter: JudgementFilter, page: PageRequest
    ) -> dict[uuid.UUID, Page[Judgement]]: ...


class HasFrameworks(Protocol):
    @property
    def frameworks(self) -> FrameworkRepository: ...


class HasModules(Protocol):
    @property
    def modules(self) -> ModuleRepository: ...


class HasJudgements(Protocol):
    @property
    def judgements(self) -> JudgementRepository: ...


class AssessmentRepositories(HasFrameworks, HasModules, HasJudgements, Protocol):
    """What the unit of work offers of the assessment feature (domain.unit_of_work). A use case
    asks only for what it uses (`Has...`), so an in-memory unit of work for its tests need
    offer no more."""
