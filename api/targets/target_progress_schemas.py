"""Target progress over HTTP: each current target's projection to the year's end."""

import uuid
from datetime import date

from pydantic import BaseModel, Field

from api.schemas import ReadModel
from domain.targets.target import TargetStatus
from domain.targets.target_progress import (
    RateSource,
    TargetProgress,
    TrackedStep,
    TrackStatus,
)

#: What GraphQL names this module's types after (api.graphql.shapes).
GRAPHQL_TOPIC = "target_progress"


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


class TrackedStepOut(BaseModel):
    step_id: uuid.UUID
    value: float
    on: date

    @classmethod
    def of(cls, s: TrackedStep | None) -> "TrackedStepOut | None":
        return None if s is None else cls(step_id=s.step_id, value=s.value, on=s.on)


class TargetStepOut(BaseModel):
    step_id: uuid.UUID
    value: float


class TargetProgressOut(BaseModel):
    target_id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    framework_id: uuid.UUID
    target_status: TargetStatus = Field(
        description="the target's own status: this never changes it"
    )
    target: TargetStepOut
    start: TrackedStepOut | None = Field(
        description="the baseline judgement of the year, else the first judgement of the year"
    )
    current: TrackedStepOut | None = Field(
        description="the judgement at the module, at its moderated step when adjusted"
    )
    days_elapsed: int | None = Field(description="days on roll from start to current")
    days_remaining: int | None = Field(
        description="days on roll from current to the end of the school's last module"
    )
    elapsed_fraction: float | None = Field(
        description="days_elapsed / (days_elapsed + days_remaining): the pupil's year passed"
    )
    needed_gain: float | None = Field(description="target value minus start value")
    rate_per_year: float | None = Field(description="steps a year used for the projection")
    rate_source: RateSource | None = Field(
        description="observed (current - start over days elapsed), or model when there is "
        "only one judgement so far"
    )
    projected_value: float | None = Field(
        description="current + rate x days remaining: where the pupil will be at the year's end"
    )
    projected_gain: float | None = Field(description="projected value minus start value")
    status: TrackStatus
    model: str | None = Field(description="the pupil's expected-progress model and version")
    model_id: uuid.UUID | None
    model_rate_per_year: float | None = Field(
        description="the model's expected steps a year for this pupil (the fallback rate)"
    )

    @classmethod
    def of(cls, p: TargetProgress) -> "TargetProgressOut":
        return cls(
            target_id=p.target_id,
            school_id=p.school_id,
            pupil_id=p.pupil_id,
            strand_id=p.strand_id,
            framework_id=p.framework_id,
            target_status=p.target_status,
            target=TargetStepOut(step_id=p.target_step_id, value=p.target_value),
            start=TrackedStepOut.of(p.start),
            current=TrackedStepOut.of(p.current),
            days_elapsed=p.days_elapsed,
            days_remaining=p.days_remaining,
            elapsed_fraction=_rounded(p.elapsed_fraction),
            needed_gain=p.needed_gain,
            rate_per_year=_rounded(p.rate_per_year),
            rate_source=p.rate_source,
            projected_value=_rounded(p.projected_value),
            projected_gain=_rounded(p.projected_gain),
            status=p.status,
            model=p.model_label,
            model_id=p.model_id,
            model_rate_per_year=_rounded(p.model_rate_per_year),
        )


class StatusCountsOut(BaseModel):
    """Targets per status, over every target the request covers (not just this page)."""

    met: int = 0
    on_track: int = 0
    behind: int = 0
    too_challenging_suggested: int = 0
    not_judged: int = Field(default=0, description="no judgement at the module")
    insufficient_data: int = Field(
        default=0, description="judged below target, with no rate to project (no model rule)"
    )
    total: int = 0

    @classmethod
    def of(cls, counts: dict[TrackStatus, int]) -> "StatusCountsOut":
        return cls(**{s.value: n for s, n in counts.items()}, total=sum(counts.values()))


class RulesOut(ReadModel):
    far_behind_ratio: float
    min_elapsed_fraction: float


class TargetProgressPageOut(BaseModel):
    academic_year: str
    module: int
    school_ids: list[uuid.UUID]
    rules: RulesOut
    counts: StatusCountsOut
    items: list[TargetProgressOut]
    next_cursor: str | None = None


class PupilTargetProgressOut(BaseModel):
    pupil_id: uuid.UUID
    academic_year: str
    module: int
    rules: RulesOut
    counts: StatusCountsOut
    targets: list[TargetProgressOut]
