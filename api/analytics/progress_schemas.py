"""Progress, cohort analysis and expected-progress models over HTTP."""

import uuid
from datetime import date

from pydantic import BaseModel, Field

from api.schemas import InputModel
from domain.analytics.progress import (
    Band,
    KeyStage,
    ModelKind,
    ProgressFact,
    ProgressModel,
    RateRule,
    ReferenceCell,
    Thresholds,
)
from domain.analytics.progress_model_service import ModelSpec
from domain.analytics.progress_service import CohortReport, CohortSnapshot, GroupResult, Percentages

#: What GraphQL names this module's types after (api.graphql.shapes).
GRAPHQL_TOPIC = "progress"


class ThresholdsIo(InputModel):
    expected: float = Field(default=1.0, gt=0, allow_inf_nan=False)
    above: float = Field(default=1.5, gt=0, allow_inf_nan=False)
    accelerated: float = Field(default=2.0, gt=0, allow_inf_nan=False)
    maintenance_counts_as_expected: bool = True


class RateRuleIo(InputModel):
    start_min: float = Field(allow_inf_nan=False, examples=[1.0])
    start_max: float = Field(allow_inf_nan=False, examples=[13.0])
    rate_per_year: float = Field(ge=0, allow_inf_nan=False, examples=[3.0])
    key_stage: KeyStage | None = Field(default=None, description="only this key stage; null = any")


class ModelSpecIn(InputModel):
    name: str = Field(min_length=1, max_length=200, examples=["KASS-like"])
    kind: ModelKind = ModelKind.RATE
    thresholds: ThresholdsIo = Field(default_factory=ThresholdsIo)
    rules: list[RateRuleIo] = Field(default_factory=list, max_length=500)
    start_band_width: float = Field(default=3.0, gt=0, allow_inf_nan=False)
    age_band_years: int = Field(default=2, ge=1, le=25)
    match_primary_need: bool = False
    min_peers: int = Field(default=10, ge=1, le=10_000)

    def to_domain(self) -> ModelSpec:
        t = self.thresholds
        return ModelSpec(
            name=self.name,
            kind=self.kind,
            thresholds=Thresholds(
                t.expected, t.above, t.accelerated, t.maintenance_counts_as_expected
            ),
            rules=tuple(
                RateRule(r.start_min, r.start_max, r.rate_per_year, r.key_stage) for r in self.rules
            ),
            start_band_width=self.start_band_width,
            age_band_years=self.age_band_years,
            match_primary_need=self.match_primary_need,
            min_peers=self.min_peers,
        )


class ModelIn(ModelSpecIn):
    framework_id: uuid.UUID
    pathway: str | None = Field(
        default=None, max_length=100, description="only pupils on this pathway"
    )


class ModelOut(BaseModel):
    id: uuid.UUID
    lineage: uuid.UUID
    version: int
    label: str
    framework_id: uuid.UUID
    pathway: str | None
    name: str
    kind: ModelKind
    thresholds: ThresholdsIo
    rules: list[RateRuleIo]
    start_band_width: float
    age_band_years: int
    match_primary_need: bool
    min_peers: int
    active: bool

    @classmethod
    def of(cls, m: ProgressModel) -> "ModelOut":
        t = m.thresholds
        return cls(
            id=m.id,
            lineage=m.lineage,
            version=m.version,
            label=m.label,
            framework_id=m.framework_id,
            pathway=m.pathway,
            name=m.name,
            kind=m.kind,
            thresholds=ThresholdsIo(
                expected=t.expected,
                above=t.above,
                accelerated=t.accelerated,
                maintenance_counts_as_expected=t.maintenance_counts_as_expected,
            ),
            rules=[
                RateRuleIo(
                    start_min=r.start_min,
                    start_max=r.start_max,
                    rate_per_year=r.rate_per_year,
                    key_stage=r.key_stage,
                )
                for r in m.rules
            ],
            start_band_width=m.start_band_width,
            age_band_years=m.age_band_years,
            match_primary_need=m.match_primary_need,
            min_peers=m.min_peers,
            active=m.active,
        )


class StepAt(BaseModel):
    step_id: uuid.UUID
    value: float
    on: date


class StrandProgressOut(BaseModel):
    strand_id: uuid.UUID
    framework_id: uuid.UUID
    baseline: StepAt | None = Field(
        description="the baseline judgement, else the first since joining"
    )
    latest: StepAt
    gain: float | None = Field(description="latest value minus baseline value")
    days_on_roll: int | None = Field(description="days on roll between baseline and latest")
    expected_gain: float | None
    band: Band
    model: str | None = Field(description="the model and version that made the band")
    model_id: uuid.UUID | None

    @classmethod
    def of(cls, f: ProgressFact) -> "StrandProgressOut":
        baseline = None
        if (
            f.baseline_step_id is not None
            and f.baseline_value is not None
            and f.baseline_on is not None
        ):
            baseline = StepAt(step_id=f.baseline_step_id, value=f.baseline_value, on=f.baseline_on)
        return cls(
            strand_id=f.strand_id,
            framework_id=f.framework_id,
            baseline=baseline,
            latest=StepAt(step_id=f.latest_step_id, value=f.latest_value, on=f.latest_on),
            gain=f.gain,
            days_on_roll=f.days_on_roll,
            expected_gain=None if f.expected_gain is None else round(f.expected_gain, 3),
            band=f.band,
            model=f.model_label,
            model_id=f.model_id,
        )


class PupilProgressOut(BaseModel):
    pupil_id: uuid.UUID
    academic_year: str
    module: int
    strands: list[StrandProgressOut]


class PercentagesOut(BaseModel):
    expected_or_better: float
    above_or_better: float
    accelerated: float

    @classmethod
    def of(cls, p: Percentages | None) -> "PercentagesOut | None":
        if p is None:
            return None
        return cls(
            expected_or_better=p.expected_or_better,
            above_or_better=p.above_or_better,
            accelerated=p.accelerated,
        )


class GroupOut(BaseModel):
    dimension: str = Field(description='"" for the whole cohort, else the group, e.g. "eal"')
    value: str | None = Field(description='the group\'s value, e.g. "yes"')
    judged: int = Field(description="pupil-strands judged at the module")
    measured: int = Field(description="of those, with a baseline and a model (the denominator)")
    expected_or_better: int
    above_or_better: int
    accelerated: int
    percent: PercentagesOut | None
    gap_to_cohort: PercentagesOut | None = Field(
        description="percentage points, group minus cohort"
    )
    suppressed: bool = Field(description="fewer measured than min_group_size: counts withheld")

    @classmethod
    def of(cls, g: GroupResult) -> "GroupOut":
        c = g.counts
        return cls(
            dimension=g.dimension,
            value=g.value,
            judged=c.judged,
            measured=c.measured,
            expected_or_better=c.expected_or_better,
            above_or_better=c.above_or_better,
            accelerated=c.accelerated,
            percent=PercentagesOut.of(g.percentages),
            gap_to_cohort=PercentagesOut.of(g.gap),
            suppressed=g.suppressed,
        )


class SnapshotOut(BaseModel):
    academic_year: str
    module: int
    cohort: GroupOut
    groups: list[GroupOut]

    @classmethod
    def of(cls, s: CohortSnapshot) -> "SnapshotOut":
        return cls(
            academic_year=s.point.academic_year,
            module=s.point.sequence,
            cohort=GroupOut.of(s.cohort),
            groups=[GroupOut.of(g) for g in s.groups],
        )


class CohortOut(BaseModel):
    school_ids: list[uuid.UUID]
    strand_id: uuid.UUID | None
    this_year: SnapshotOut
    last_year: SnapshotOut | None = Field(description="the same module a year earlier")
    change: PercentagesOut | None = Field(description="cohort this year minus last year, in points")

    @classmethod
    def of(cls, r: CohortReport) -> "CohortOut":
        return cls(
            school_ids=r.school_ids,
            strand_id=r.strand_id,
            this_year=SnapshotOut.of(r.this_year),
            last_year=SnapshotOut.of(r.last_year) if r.last_year else None,
            change=PercentagesOut.of(r.change),
        )


class RebuildIn(InputModel):
    school_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=500,
        description="the pool; default every school that can use it",
    )
    academic_years: list[str] = Field(
        default_factory=list, max_length=10, description="default: the three years before this one"
    )


class ReferenceCellOut(BaseModel):
    strand_id: uuid.UUID
    start_band: int = Field(description="floor(starting value / start_band_width)")
    age_band: int = Field(description="age at the start // age_band_years")
    primary_need: str
    learners: int
    p25: float = Field(description="steps per year")
    p50: float
    p75: float
    p90: float

    @classmethod
    def of(cls, c: ReferenceCell) -> "ReferenceCellOut":
        return cls(
            strand_id=c.strand_id,
            start_band=c.start_band,
            age_band=c.age_band,
            primary_need=c.primary_need,
            learners=c.learners,
            p25=round(c.p25, 4),
            p50=round(c.p50, 4),
            p75=round(c.p75, 4),
            p90=round(c.p90, 4),
        )


class RebuiltOut(BaseModel):
    model: ModelOut
    cells: int
