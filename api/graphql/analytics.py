"""GraphQL for progress analytics: a pupil's progress per strand, cohorts and data gaps.

The same use cases as REST. A pupil's progress goes through a loader keyed by (school,
assessment point), so `school { pupils { progress(...) } }` costs one facts query for the
school, however many pupils it lists.
"""

import uuid
from datetime import date

import strawberry

from api.graphql.context import Ctx
from api.graphql.scale import Step, Strand, _step
from domain.analytics import progress as pg
from domain.analytics import progress_service
from domain.analytics.data_quality import MissingReport


@strawberry.type
class StrandProgress:
    strand_id: uuid.UUID
    framework_id: uuid.UUID
    baseline_step_id: uuid.UUID | None
    baseline_value: float | None
    baseline_on: date | None
    latest_step_id: uuid.UUID
    latest_value: float
    latest_on: date
    gain: float | None
    days_on_roll: int | None
    expected_gain: float | None
    band: pg.Band
    model: str | None = strawberry.field(description="the model and version that made the band")
    model_id: uuid.UUID | None

    @classmethod
    def of(cls, f: pg.ProgressFact) -> "StrandProgress":
        return cls(
            strand_id=f.strand_id,
            framework_id=f.framework_id,
            baseline_step_id=f.baseline_step_id,
            baseline_value=f.baseline_value,
            baseline_on=f.baseline_on,
            latest_step_id=f.latest_step_id,
            latest_value=f.latest_value,
            latest_on=f.latest_on,
            gain=f.gain,
            days_on_roll=f.days_on_roll,
            expected_gain=f.expected_gain,
            band=f.band,
            model=f.model_label,
            model_id=f.model_id,
        )

    @strawberry.field
    async def strand(self, info: Ctx) -> Strand | None:
        found = await info.context.loaders.strand.load(self.strand_id)
        return Strand.of(found) if found else None

    @strawberry.field
    async def latest_step(self, info: Ctx) -> Step | None:
        return await _step(info, self.latest_step_id)

    @strawberry.field
    async def baseline_step(self, info: Ctx) -> Step | None:
        return await _step(info, self.baseline_step_id)


@strawberry.type
class Percentages:
    expected_or_better: float
    above_or_better: float
    accelerated: float

    @classmethod
    def of(cls, p: progress_service.Percentages | None) -> "Percentages | None":
        if p is None:
            return None
        return cls(
            expected_or_better=p.expected_or_better,
            above_or_better=p.above_or_better,
            accelerated=p.accelerated,
        )


@strawberry.type
class CohortGroup:
    dimension: str
    value: str | None
    judged: int
    measured: int
    expected_or_better: int
    above_or_better: int
    accelerated: int
    percent: Percentages | None
    gap_to_cohort: Percentages | None
    suppressed: bool

    @classmethod
    def of(cls, g: progress_service.GroupResult) -> "CohortGroup":
        c = g.counts
        return cls(
            dimension=g.dimension,
            value=g.value,
            judged=c.judged,
            measured=c.measured,
            expected_or_better=c.expected_or_better,
            above_or_better=c.above_or_better,
            accelerated=c.accelerated,
            percent=Percentages.of(g.percentages),
            gap_to_cohort=Percentages.of(g.gap),
            suppressed=g.suppressed,
        )


@strawberry.type
class CohortSnapshot:
    academic_year: str
    module: int
    cohort: CohortGroup
    groups: list[CohortGroup]

    @classmethod
    def of(cls, s: progress_service.CohortSnapshot) -> "CohortSnapshot":
        return cls(
            academic_year=s.point.academic_year,
            module=s.point.sequence,
            cohort=CohortGroup.of(s.cohort),
            groups=[CohortGroup.of(g) for g in s.groups],
        )


@strawberry.type
class CohortReport:
    school_ids: list[uuid.UUID]
    strand_id: uuid.UUID | None
    this_year: CohortSnapshot
    last_year: CohortSnapshot | None
    change: Percentages | None


@strawberry.type
class MissingJudgement:
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    strand_id: uuid.UUID | None


@strawberry.type
class MissingJudgements:
    total: int
    truncated: bool
    items: list[MissingJudgement]

    @classmethod
    def of(cls, r: MissingReport) -> "MissingJudgements":
        return cls(
            total=r.total,
            truncated=r.truncated,
            items=[
                MissingJudgement(school_id=m.school_id, pupil_id=m.pupil_id, strand_id=m.strand_id)
                for m in r.items
            ],
        )


async def pupil_progress(
    info: Ctx, pupil_id: uuid.UUID, school_id: uuid.UUID, academic_year: str, module: int
) -> list[StrandProgress]:
    """A pupil's strands at a point, through the per-school loader."""
    facts = await info.context.loaders.school_progress.load(
        (school_id, pg.AssessmentPoint(academic_year, module))
    )
    return [StrandProgress.of(f) for f in facts if f.pupil_id == pupil_id]


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(
        description="bands for the cohort and each group, beside the same module last year"
    )
    async def cohort_analysis(
        self,
        info: Ctx,
        academic_year: str,
        module: int,
        school_id: uuid.UUID | None = None,
        trust_id: uuid.UUID | None = None,
        strand_id: uuid.UUID | None = None,
        group_by: list[str] | None = None,
        compare_last_year: bool = True,
        decimals: int = 0,
        min_group_size: int = 0,
    ) -> CohortReport:
        request = progress_service.CohortRequest(
            point=pg.AssessmentPoint(academic_year, module),
            school_id=school_id,
            trust_id=trust_id,
            strand_id=strand_id,
            dimensions=tuple(group_by) if group_by is not None else pg.DIMENSIONS,
            compare_last_year=compare_last_year,
            decimals=decimals,
            min_group_size=min_group_size,
        )
        report = await progress_service.cohort_analysis(
            info.context.analytics_uow(), info.context.principal, request
        )
        return CohortReport(
            school_ids=report.school_ids,
            strand_id=report.strand_id,
            this_year=CohortSnapshot.of(report.this_year),
            last_year=CohortSnapshot.of(report.last_year) if report.last_year else None,
            change=Percentages.of(report.change),
        )

    @strawberry.field(description="pupils on roll at the module without a judgement on a strand")
    async def missing_judgements(
        self,
        info: Ctx,
        academic_year: str,
        module: int,
        school_id: uuid.UUID | None = None,
        trust_id: uuid.UUID | None = None,
        strand_id: uuid.UUID | None = None,
        limit: int = 500,
    ) -> MissingJudgements:
        report = await progress_service.missing_judgements(
            info.context.analytics_uow(),
            info.context.principal,
            pg.AssessmentPoint(academic_year, module),
            school_id,
            trust_id,
            strand_id,
            limit,
        )
        return MissingJudgements.of(report)
