"""What the analytics feature needs from storage, and the filters its lists take.

Repositories speak in entities and are already narrowed to the caller's scope by the
unit of work that owns them: a row outside it is simply not there. Every filter is
narrowed to the caller's scope too."""

import uuid
from collections.abc import Sequence
from typing import Protocol

from domain.analytics.data_quality import MissingJudgement
from domain.analytics.flags import FlagCheck, FlagQuery, Worklist
from domain.analytics.progress import (
    AssessmentPoint,
    GroupCounts,
    ProgressFact,
    ProgressModel,
    ReferenceCell,
)
from domain.kernel.paging import Page, PageRequest
from domain.targets.target_progress import TargetProgress, TargetProgressQuery, TrackStatus
from domain.targets.target_suggestion import PupilSuggestions, SuggestionQuery


class ProgressModelRepository(Protocol):
    async def get(self, model_id: uuid.UUID) -> ProgressModel | None: ...
    async def for_framework(self, framework_id: uuid.UUID) -> list[ProgressModel]: ...
    async def add(self, model: ProgressModel) -> None: ...
    async def retire(self, model: ProgressModel) -> None: ...
    async def cells(self, model_id: uuid.UUID) -> list[ReferenceCell]: ...
    async def add_cells(self, model_id: uuid.UUID, cells: Sequence[ReferenceCell]) -> None: ...


class ProgressQueries(Protocol):
    """Progress computed where the data is: facts per pupil and strand, counts per group."""

    async def facts(
        self,
        point: AssessmentPoint,
        school_ids: Sequence[uuid.UUID],
        current_year_start: int,
        strand_id: uuid.UUID | None = None,
        pupil_id: uuid.UUID | None = None,
    ) -> list[ProgressFact]: ...

    async def cohort(
        self,
        point: AssessmentPoint,
        school_ids: Sequence[uuid.UUID],
        current_year_start: int,
        strand_id: uuid.UUID | None,
        dimensions: Sequence[str],
    ) -> list[GroupCounts]: ...

    async def reference_cells(
        self,
        model: ProgressModel,
        school_ids: Sequence[uuid.UUID],
        academic_years: Sequence[str],
    ) -> list[ReferenceCell]: ...

    async def flag_checks(self, query: FlagQuery) -> list[FlagCheck]:
        """CoP 6.17 flags and their evidence for every pupil-strand judged at the point."""
        ...

    async def flag_worklist(self, query: FlagQuery) -> Worklist:
        """Only the flagged pupil-strands (of `query.flag`, if given), with counts over all."""
        ...

    async def target_progress(
        self, query: TargetProgressQuery, page: PageRequest
    ) -> Page[TargetProgress]:
        """Current targets of the year with their projection and status, in target id order."""
        ...

    async def target_progress_counts(self, query: TargetProgressQuery) -> dict[TrackStatus, int]:
        """How many of the query's targets have each status (the status filter is ignored)."""
        ...

    async def target_suggestions(
        self, query: SuggestionQuery, page: PageRequest | None = None
    ) -> Page[PupilSuggestions]:
        """Pupils on roll when the year starts, in id order, each with a row per strand that
        has a percentile model; every pupil the query matches when `page` is None."""
        ...


class DataQualityQueries(Protocol):
    async def missing_judgements(
        self,
        point: AssessmentPoint,
        school_ids: Sequence[uuid.UUID],
        strand_id: uuid.UUID | None,
        limit: int,
    ) -> tuple[list[MissingJudgement], dict[uuid.UUID | None, int]]: ...


class HasProgressModels(Protocol):
    @property
    def progress_models(self) -> ProgressModelRepository: ...


class HasProgress(Protocol):
    @property
    def progress(self) -> ProgressQueries: ...


class HasQuality(Protocol):
    @property
    def quality(self) -> DataQualityQueries: ...


class AnalyticsRepositories(HasProgressModels, HasProgress, HasQuality, Protocol):
    """What the unit of work offers of the analytics feature (domain.unit_of_work). A use case
    asks only for what it uses (`Has...`), so an in-memory unit of work for its tests need
    offer no more."""
