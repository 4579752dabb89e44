"""The school progress summary and the trust report as JSON: the same objects the HTML
pages render, field for field."""

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from domain.reports.summaries import SchoolSummary, TrustSummary


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SharesOut(_Read):
    """Cumulative: expected-or-better includes above and accelerated."""

    expected_or_better: float
    above_or_better: float
    accelerated: float


class StrandSummaryOut(_Read):
    strand_id: uuid.UUID | None = Field(description="null for all strands together")
    name: str
    measured: int = Field(description="pupil-strands with a band (0 when withheld)")
    this_year: SharesOut | None
    last_year: SharesOut | None = Field(description="the same module last year")
    change: SharesOut | None = Field(description="this year minus last year, percentage points")
    suppressed: bool


class GroupSummaryOut(_Read):
    dimension: str
    value: str
    name: str
    measured: int
    this_year: SharesOut | None
    gap: SharesOut | None = Field(description="the group minus the cohort, percentage points")
    last_year: SharesOut | None
    suppressed: bool


class SummaryAttendanceOut(_Read):
    date_from: date
    date_to: date
    pupils: int
    attendance: float | None
    persistent_absence: float | None
    last_year: float | None = Field(description="the same dates a year earlier")
    national: float = Field(description="the comparator (STEPWISE_REPORTS_NATIONAL_ATTENDANCE)")
    difference: float | None = Field(description="attendance minus national, percentage points")


class PassRateSummaryOut(_Read):
    name: str = Field(description='"All", or a qualification level')
    completed: int | None
    passed: int | None
    pass_rate: float | None
    suppressed: bool


class MeasureFigureOut(_Read):
    name: str
    leavers: int | None
    counted: int | None
    percentage: float | None
    suppressed: bool


class MeasureSummaryOut(_Read):
    measure_id: uuid.UUID
    name: str
    description: str
    cohort: MeasureFigureOut
    subgroups: list[MeasureFigureOut]


class DestinationShareOut(_Read):
    category: str
    leavers: int
    percentage: float


class LeaverDestinationsOut(_Read):
    leavers: int
    categories: list[DestinationShareOut]
    eet: int
    unknown: int
    eet_rate: float | None = Field(description="EET ÷ all leavers, unknowns included")


class SchoolSummaryOut(_Read):
    school_id: uuid.UUID
    school_name: str
    academic_year: str
    module: int
    module_name: str
    results_year: str = Field(
        description="the year whose leavers, results and measures are shown: the report's "
        "year at its last module, else the year before"
    )
    cohort: StrandSummaryOut
    strands: list[StrandSummaryOut]
    groups: list[GroupSummaryOut]
    attendance: SummaryAttendanceOut
    pass_rates: list[PassRateSummaryOut]
    measures: list[MeasureSummaryOut]
    destinations: LeaverDestinationsOut
    targets: dict[str, int] = Field(description="current targets per tracking status")
    pseudonymised: bool

    @classmethod
    def of(cls, s: SchoolSummary) -> "SchoolSummaryOut":
        return cls.model_validate(
            {
                "academic_year": s.point.academic_year,
                "module": s.point.sequence,
                **{name: getattr(s, name) for name in SchoolSummary.__dataclass_fields__},
            }
        )


class TrustSummaryOut(BaseModel):
    trust_id: uuid.UUID
    trust_name: str
    academic_year: str
    module: int
    schools: list[SchoolSummaryOut]
    pseudonymised: bool = Field(description="pupils are shown by pseudonym only, if at all")

    @classmethod
    def of(cls, t: TrustSummary) -> "TrustSummaryOut":
        return cls(
            trust_id=t.trust_id,
            trust_name=t.trust_name,
            academic_year=t.point.academic_year,
            module=t.point.sequence,
            schools=[SchoolSummaryOut.of(s) for s in t.schools],
            pseudonymised=t.pseudonymised,
        )
