"""Scale targets and outcome targets over HTTP."""

import uuid
from datetime import date, datetime

from pydantic import Field, field_validator

from api.schemas import InputModel, ReadModel, ShownKind, YearLabel, reject_null
from domain.targets.target import (
    OutcomeRating,
    OutcomeSource,
    OutcomeStatus,
    TargetStatus,
    Term,
)

AcademicYearText = Field(pattern=r"^\d{4}/\d{2}$", examples=["2023/24"])


class TargetIn(InputModel):
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    academic_year: str = AcademicYearText
    step_id: uuid.UUID
    rationale: str = Field(default="", max_length=4000)
    set_on: date | None = None


class TargetStatusIn(InputModel):
    status: TargetStatus
    reason: str = Field(default="", max_length=500)


class TargetRevisionIn(InputModel):
    step_id: uuid.UUID
    reason: str = Field(
        min_length=1, max_length=500, examples=["proving too challenging after module 3"]
    )


class TargetRevisionOut(ReadModel):
    target_id: uuid.UUID
    changed_at: datetime
    changed_by: str
    status: TargetStatus
    step_id: uuid.UUID
    reason: str


class TargetOut(ReadModel):
    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    academic_year: YearLabel
    step_id: uuid.UUID
    set_on: date
    set_by: str
    rationale: str
    status: TargetStatus
    supersedes_id: uuid.UUID | None
    version: int


class OutcomeTargetIn(InputModel):
    pupil_id: uuid.UUID
    source: OutcomeSource = OutcomeSource.EHCP
    area: str = Field(min_length=1, max_length=200, examples=["Communication and interaction"])
    text: str = Field(
        min_length=1, max_length=4000, examples=["Uses a symbol to request a drink at snack time"]
    )
    set_on: date | None = None
    due_on: date | None = None


class OutcomeTargetPatch(InputModel):
    area: str | None = Field(default=None, min_length=1, max_length=200)
    text: str | None = Field(default=None, min_length=1, max_length=4000)
    due_on: date | None = None
    status: OutcomeStatus | None = None

    @field_validator("area", "text", "status")
    @classmethod
    def _not_null(cls, value: object) -> object:
        return reject_null(value)


class EvaluationIn(InputModel):
    academic_year: str = AcademicYearText
    term: Term
    rating: OutcomeRating
    note: str = Field(default="", max_length=4000)
    evaluated_on: date | None = None


class EvaluationOut(ReadModel):
    id: uuid.UUID
    academic_year: YearLabel
    term: Term
    rating: OutcomeRating
    evaluated_on: date
    evaluated_by: str
    note: str


class OutcomeTargetOut(ReadModel):
    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    source: OutcomeSource
    area: str
    text: str
    set_on: date
    due_on: date | None
    status: OutcomeStatus
    evaluations: list[EvaluationOut]
    version: int


#: targets in the change feed: as GET shows one (api.integration.records)
TARGETS_SHOWN = ShownKind("targets", TargetOut)
