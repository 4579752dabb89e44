"""Gaps in the record: pupils on roll at an assessment point without a judgement on a strand."""

import uuid
from dataclasses import dataclass

from domain.analytics.progress import AssessmentPoint


@dataclass(frozen=True, slots=True)
class MissingJudgement:
    """`strand_id` None: the pupil has never been judged in this school."""

    school_id: uuid.UUID
    pupil_id: uuid.UUID
    strand_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class MissingReport:
    point: AssessmentPoint
    school_ids: list[uuid.UUID]
    total: int
    by_strand: dict[uuid.UUID | None, int]
    items: list[MissingJudgement]  # the first `limit`, by school, pupil and strand

    @property
    def truncated(self) -> bool:
        return len(self.items) < self.total
