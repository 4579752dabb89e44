"""GraphQL for the reports: target tracking and suggestions, CoP 6.17 flags, attendance,
qualification pass rates, measures and leavers' destinations. Each field calls the same use
case as its REST route and answers in the same shape (see api/graphql/shapes.py)."""

import datetime as dt
import uuid
from typing import Any

import strawberry

from api.analytics.flag_schemas import FlagWorklistOut
from api.dependencies import encode_cursor
from api.graphql.context import Ctx
from api.graphql.paging import DEFAULT_FIRST, page_request
from api.graphql.shapes import graphql_type
from api.outcomes.attendance_schemas import AttendanceSummaryOut
from api.outcomes.destination_schemas import DestinationsSummaryOut
from api.outcomes.measure_schemas import MeasureResultOut
from api.outcomes.qualification_schemas import PassRatesOut
from api.targets.target_progress_schemas import (
    RulesOut,
    StatusCountsOut,
    TargetProgressOut,
    TargetProgressPageOut,
)
from api.targets.target_suggestion_schemas import PupilSuggestionsOut, SuggestionPageOut
from domain.analytics import flag_service as flags
from domain.analytics.flags import DEFAULT_MIN_PEERS, Flag, FlagSettings, Pool
from domain.analytics.progress import AssessmentPoint
from domain.outcomes import attendance_service as attendance
from domain.outcomes import destination_summary_service as destinations_summary
from domain.outcomes import measure_service as measures
from domain.outcomes import qualification_service as qualifications
from domain.outcomes.attendance import ATTENDANCE_DIMENSIONS
from domain.outcomes.qualification import QualificationLevel
from domain.targets import target_progress_service as target_progress
from domain.targets import target_suggestion_service as target_suggestions
from domain.targets.target_progress import TrackingRules, TrackStatus

TargetProgressPage: Any = graphql_type(TargetProgressPageOut)
SuggestionPage: Any = graphql_type(SuggestionPageOut)
FlagWorklist: Any = graphql_type(FlagWorklistOut)
AttendanceSummary: Any = graphql_type(AttendanceSummaryOut)
PassRates: Any = graphql_type(PassRatesOut)
MeasureResult: Any = graphql_type(MeasureResultOut)
DestinationsSummary: Any = graphql_type(DestinationsSummaryOut)

DEFAULT_RULES = TrackingRules()


@strawberry.type
class ReportQuery:
    @strawberry.field(description="each current target's projection to year end, as at a module")
    async def target_progress(
        self,
        info: Ctx,
        academic_year: str,
        module: int,
        school_id: uuid.UUID | None = None,
        trust_id: uuid.UUID | None = None,
        strand_id: uuid.UUID | None = None,
        pupil_id: uuid.UUID | None = None,
        status: TrackStatus | None = None,
        far_behind_ratio: float = DEFAULT_RULES.far_behind_ratio,
        min_elapsed_fraction: float = DEFAULT_RULES.min_elapsed_fraction,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> TargetProgressPage:
        report = await target_progress.target_progress(
            info.context.analytics_uow(),
            info.context.principal,
            target_progress.TargetProgressRequest(
                point=AssessmentPoint(academic_year, module),
                school_id=school_id,
                trust_id=trust_id,
                strand_id=strand_id,
                pupil_id=pupil_id,
                status=status,
                rules=TrackingRules(far_behind_ratio, min_elapsed_fraction),
            ),
            page_request(first, after),
        )
        out = TargetProgressPageOut(
            academic_year=report.point.academic_year,
            module=report.point.sequence,
            school_ids=report.school_ids,
            rules=RulesOut.of(report.rules),
            counts=StatusCountsOut.of(report.counts),
            items=[TargetProgressOut.of(t) for t in report.targets.items],
            next_cursor=encode_cursor(report.targets.next_after),
        )
        return TargetProgressPage.from_pydantic(out)

    @strawberry.field(description="suggested targets for a new year from similar learners")
    async def target_suggestions(
        self,
        info: Ctx,
        academic_year: str,
        school_id: uuid.UUID | None = None,
        strand_id: uuid.UUID | None = None,
        pupil_id: uuid.UUID | None = None,
        percentile: int = 50,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> SuggestionPage:
        report = await target_suggestions.suggest_targets(
            info.context.uow(),
            info.context.principal,
            target_suggestions.SuggestionRequest(
                academic_year, school_id, strand_id, pupil_id, percentile
            ),
            page_request(first, after),
        )
        out = SuggestionPageOut(
            academic_year=report.academic_year,
            percentile=report.percentile,
            school_ids=report.school_ids,
            items=[PupilSuggestionsOut.of(p) for p in report.pupils.items],
            next_cursor=encode_cursor(report.pupils.next_after),
        )
        return SuggestionPage.from_pydantic(out)

    @strawberry.field(description="SEN Code of Practice 6.17 work-list, with evidence")
    async def flag_worklist(
        self,
        info: Ctx,
        academic_year: str,
        module: int,
        school_id: uuid.UUID | None = None,
        trust_id: uuid.UUID | None = None,
        strand_id: uuid.UUID | None = None,
        flag: Flag | None = None,
        pool: Pool = Pool.SCHOOL,
        min_peers: int = DEFAULT_MIN_PEERS,
        tolerance: float = 0.0,
    ) -> FlagWorklist:
        request = flags.FlagRequest(
            point=AssessmentPoint(academic_year, module),
            school_id=school_id,
            trust_id=trust_id,
            strand_id=strand_id,
            flag=flag,
            settings=FlagSettings(pool, min_peers, tolerance),
        )
        report = await flags.flag_worklist(
            info.context.analytics_uow(), info.context.principal, request
        )
        return FlagWorklist.from_pydantic(FlagWorklistOut.of(report))

    @strawberry.field(description="attendance per pupil (by id) and group, against a comparator")
    async def attendance_summary(
        self,
        info: Ctx,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        school_id: uuid.UUID | None = None,
        trust_id: uuid.UUID | None = None,
        group_by: list[str] | None = None,
        comparator: float | None = None,
        decimals: int = 1,
        min_group_size: int = 0,
        pupils: bool = True,
    ) -> AttendanceSummary:
        request = attendance.AttendanceRequest(
            school_id=school_id,
            trust_id=trust_id,
            date_from=date_from,
            date_to=date_to,
            dimensions=tuple(group_by) if group_by is not None else ATTENDANCE_DIMENSIONS,
            comparator=comparator,
            decimals=decimals,
            min_group_size=min_group_size,
            include_pupils=pupils,
        )
        report = await attendance.attendance_summary(
            info.context.analytics_uow(), info.context.principal, request
        )
        return AttendanceSummary.from_pydantic(AttendanceSummaryOut.of(report))

    @strawberry.field(
        description="qualification pass rates overall and by level, subject, body or kind"
    )
    async def pass_rates(
        self,
        info: Ctx,
        school_id: uuid.UUID | None = None,
        trust_id: uuid.UUID | None = None,
        academic_year: str | None = None,
        group_by: str | None = None,
        min_level: QualificationLevel | None = None,
        max_level: QualificationLevel | None = None,
        decimals: int = 0,
        min_group_size: int = 0,
    ) -> PassRates:
        request = qualifications.PassRateRequest(
            school_id=school_id,
            trust_id=trust_id,
            academic_year=academic_year,
            group_by=group_by,
            min_level=min_level,
            max_level=max_level,
            decimals=decimals,
            min_group_size=min_group_size,
        )
        report = await qualifications.pass_rates(
            info.context.analytics_uow(), info.context.principal, request
        )
        return PassRates.from_pydantic(PassRatesOut.of(report))

    @strawberry.field(description="a measure's results for a leaving year, with subgroups")
    async def measure_results(
        self,
        info: Ctx,
        measure_id: uuid.UUID,
        academic_year: str,
        school_id: uuid.UUID | None = None,
        decimals: int = 0,
        min_group_size: int = 0,
    ) -> MeasureResult:
        request = measures.ResultRequest(
            measure_id, academic_year, school_id, decimals, min_group_size
        )
        report = await measures.measure_results(
            info.context.analytics_uow(), info.context.principal, request
        )
        return MeasureResult.from_pydantic(MeasureResultOut.of(report))

    @strawberry.field(description="leavers per destination category and the EET rate")
    async def destinations_summary(
        self,
        info: Ctx,
        school_id: uuid.UUID | None = None,
        trust_id: uuid.UUID | None = None,
        left_from: dt.date | None = None,
        left_to: dt.date | None = None,
        year_group_at_leaving: str | None = None,
        decimals: int = 1,
    ) -> DestinationsSummary:
        request = destinations_summary.SummaryRequest(
            school_id, trust_id, left_from, left_to, year_group_at_leaving, decimals
        )
        report = await destinations_summary.destinations_summary(
            info.context.analytics_uow(), info.context.principal, request
        )
        return DestinationsSummary.from_pydantic(DestinationsSummaryOut.of(report))
