"""Suggested targets over HTTP: what similar learners' gains suggest, and setting them."""

import uuid
from datetime import date

from pydantic import BaseModel, Field

from api.schemas import InputModel
from api.targets.target_progress_schemas import TargetStepOut, TrackedStepOut
from domain.targets.target import TargetStatus
from domain.targets.target_suggestion import NoSuggestion, PupilSuggestions, TargetSuggestion
from domain.targets.target_suggestion_service import AppliedSuggestion, Outcome

#: What GraphQL names this module's types after (api.graphql.shapes).
GRAPHQL_TOPIC = "target_suggestions"


class ReferenceOut(BaseModel):
    start_band: int = Field(description="floor(start value / the model's start_band_width)")
    age_band: int = Field(description="age when the year starts // the model's age_band_years")
    primary_need: str = Field(description='"" when the model does not match on need')
    learners: int = Field(description="similar learners in the cell (0: no cell)")
    min_peers: int = Field(description="the fewest learners the model suggests from")
    gain_per_year: float | None = Field(description="the chosen percentile, steps a year")


class SuggestionOut(BaseModel):
    strand_id: uuid.UUID
    framework_id: uuid.UUID
    start: TrackedStepOut | None = Field(description="the latest judgement before the year")
    model: str = Field(description="the percentile model and version the suggestion is from")
    model_id: uuid.UUID
    percentile: int
    reference: ReferenceOut | None
    suggested: TargetStepOut | None = Field(
        description="the highest step at or below start + gain_per_year x 1 year"
    )
    no_suggestion: NoSuggestion | None
    reason: str = Field(description='why there is no suggestion; "" when there is one')
    current_target_id: uuid.UUID | None = Field(
        description="the pupil's current target for this strand and year, if any"
    )
    current_target_status: TargetStatus | None

    @classmethod
    def of(cls, s: TargetSuggestion) -> "SuggestionOut":
        start = None
        if s.start_step_id is not None and s.start_value is not None and s.start_on is not None:
            start = TrackedStepOut(step_id=s.start_step_id, value=s.start_value, on=s.start_on)
        reference = None
        if s.reference is not None:
            r = s.reference
            reference = ReferenceOut(
                start_band=r.start_band,
                age_band=r.age_band,
                primary_need=r.primary_need,
                learners=r.learners,
                min_peers=s.min_peers,
                gain_per_year=None if r.gain_per_year is None else round(r.gain_per_year, 4),
            )
        suggested = None
        if s.suggested_step_id is not None and s.suggested_value is not None:
            suggested = TargetStepOut(step_id=s.suggested_step_id, value=s.suggested_value)
        return cls(
            strand_id=s.strand_id,
            framework_id=s.framework_id,
            start=start,
            model=s.model_label,
            model_id=s.model_id,
            percentile=s.percentile,
            reference=reference,
            suggested=suggested,
            no_suggestion=s.no_suggestion,
            reason=s.reason,
            current_target_id=s.current_target_id,
            current_target_status=s.current_target_status,
        )


class PupilSuggestionsOut(BaseModel):
    pupil_id: uuid.UUID
    school_id: uuid.UUID
    strands: list[SuggestionOut]

    @classmethod
    def of(cls, p: PupilSuggestions) -> "PupilSuggestionsOut":
        return cls(
            pupil_id=p.pupil_id,
            school_id=p.school_id,
            strands=[SuggestionOut.of(s) for s in p.suggestions],
        )


class SuggestionPageOut(BaseModel):
    academic_year: str
    percentile: int
    school_ids: list[uuid.UUID]
    items: list[PupilSuggestionsOut]
    next_cursor: str | None = None


class ApplyIn(InputModel):
    academic_year: str = Field(pattern=r"^\d{4}/\d{2}$", examples=["2024/25"])
    school_id: uuid.UUID
    percentile: int = Field(default=50, description="50 or 75")
    strand_id: uuid.UUID | None = None
    pupil_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=2000, description="default: every pupil on roll"
    )
    set_on: date | None = None


class AppliedOut(BaseModel):
    pupil_id: uuid.UUID
    strand_id: uuid.UUID | None = Field(description="null: the pupil was not on roll")
    outcome: Outcome
    target_id: uuid.UUID | None = Field(
        description="the target set, or the current target that made this row skip"
    )
    step_id: uuid.UUID | None = Field(description="the suggested step")
    model: str | None
    code: str | None = Field(
        description="why skipped: no_start, no_reference_cell, too_few_peers, below_scale, "
        "has_current_target, not_on_roll"
    )
    reason: str

    @classmethod
    def of(cls, a: AppliedSuggestion) -> "AppliedOut":
        s = a.suggestion
        return cls(
            pupil_id=a.pupil_id,
            strand_id=a.strand_id,
            outcome=a.outcome,
            target_id=a.target_id,
            step_id=s.suggested_step_id if s else None,
            model=s.model_label if s else None,
            code=a.code,
            reason=a.reason,
        )


class AppliedListOut(BaseModel):
    academic_year: str
    school_id: uuid.UUID
    percentile: int
    set: int
    skipped: int
    results: list[AppliedOut]
