"""Scale targets and outcome targets over HTTP."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field, field_validator

from api.schemas import InputModel, reject_null
from domain.targets.target import (
    OutcomeEvaluation,
    OutcomeRating,
    OutcomeSource,
    OutcomeStatus,
    OutcomeTarget,
    Target,
    TargetRevision,
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


class TargetRevisionOut(BaseModel):
    target_id: uuid.UUID
    changed_at: datetime
    changed_by: str
    status: TargetStatus
    step_id: uuid.UUID
    reason: str

    @classmethod
    def of(cls, r: TargetRevision) -> "TargetRevisionOut":
        return cls(
            target_id=r.target_id,
            changed_at=r.changed_at,
            changed_by=r.changed_by,
            status=r.status,
            step_id=r.step_id,
            reason=r.reason,
        )


class TargetOut(BaseModel):
    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    academic_year: str
    step_id: uuid.UUID
    set_on: date
    set_by: str
    rationale: str
    status: TargetStatus
    supersedes_id: uuid.UUID | None
    version: int

    @classmethod
    def of(cls, t: Target) -> "TargetOut":
        return cls(
            id=t.id,
            school_id=t.school_id,
            pupil_id=t.pupil_id,
            strand_id=t.strand_id,
            academic_year=t.academic_year.label,
            step_id=t.step_id,
            set_on=t.set_on,
            set_by=t.set_by,
            rationale=t.rationale,
            status=t.status,
            supersedes_id=t.supersedes_id,
            version=t.version,
        )


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


class EvaluationOut(BaseModel):
    id: uuid.UUID
    academic_year: str
    term: Term
    rating: OutcomeRating
    evaluated_on: date
    evaluated_by: str
    note: str

    @classmethod
    def of(cls, e: OutcomeEvaluation) -> "EvaluationOut":
        return cls(
            id=e.id,
            academic_year=e.academic_year.label,
            term=e.term,
            rating=e.rating,
            evaluated_on=e.evaluated_on,
            evaluated_by=e.evaluated_by,
            note=e.note,
        )


class OutcomeTargetOut(BaseModel):
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

    @classmethod
    def of(cls, o: OutcomeTarget) -> "OutcomeTargetOut":
        return cls(
            id=o.id,
            school_id=o.school_id,
            pupil_id=o.pupil_id,
            source=o.source,
            area=o.area,
            text=o.text,
            set_on=o.set_on,
            due_on=o.due_on,
            status=o.status,
            evaluations=[EvaluationOut.of(e) for e in o.evaluations],
            version=o.version,
        )
