"""The school progress summary and the trust report, as plain figures.

A summary gathers what the schools publish for parents and governors (seed 000's "Data
Report", seed 002's "Progress & Achievement Summary") from the use cases that already
compute each figure, so a report and the matching analytics endpoint always agree. The
HTML and JSON adapters render these objects; nothing here is formatted for a page.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from domain.analytics.progress import AssessmentPoint
from domain.analytics.progress_service import Percentages

#: Groups smaller than this (pupil-strands, pupils, leavers) are withheld on a report, and so
#: is the group that would give a withheld one away (domain/suppression.py).
REPORT_MIN_GROUP_SIZE = 5

#: The groups a summary sets against the whole cohort: (dimension, value, name).
VULNERABLE_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("pupil_premium", "yes", "Pupil Premium"),
    ("fsm", "yes", "Free school meals"),
    ("eal", "yes", "English as an additional language"),
    ("looked_after", "yes", "Looked-after children"),
    ("sen_provision", "E", "EHC plan"),
    ("sen_provision", "K", "SEN support"),
)


@dataclass(frozen=True, slots=True)
class StrandSummary:
    """One strand: the % at expected-or-better, above-or-better and accelerated now and at
    the same module last year (None when nothing was measured or the strand is withheld)."""

    strand_id: uuid.UUID | None  # None for all strands together
    name: str
    measured: int
    this_year: Percentages | None
    last_year: Percentages | None
    change: Percentages | None  # this year minus last year, percentage points
    suppressed: bool


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """A vulnerable group against the whole cohort (all strands together)."""

    dimension: str
    value: str
    name: str
    measured: int
    this_year: Percentages | None
    gap: Percentages | None  # the group minus the cohort, percentage points
    last_year: Percentages | None
    suppressed: bool


@dataclass(frozen=True, slots=True)
class AttendanceSummary:
    """Attendance over the report's period beside the same period last year and the
    national comparator; None when no sessions were recorded (or the school is withheld)."""

    date_from: dt.date
    date_to: dt.date
    pupils: int
    attendance: float | None
    persistent_absence: float | None
    last_year: float | None
    national: float
    difference: float | None  # attendance minus national, percentage points


@dataclass(frozen=True, slots=True)
class PassRateSummary:
    """Passed ÷ completed entries, for everyone (name "All") or one level."""

    name: str
    completed: int | None
    passed: int | None
    pass_rate: float | None
    suppressed: bool


@dataclass(frozen=True, slots=True)
class MeasureFigure:
    name: str  # "All leavers" or the subgroup's value
    leavers: int | None
    counted: int | None
    percentage: float | None
    suppressed: bool


@dataclass(frozen=True, slots=True)
class MeasureSummary:
    """An Attainment-5-style measure's result for the leaving year."""

    measure_id: uuid.UUID
    name: str
    description: str
    cohort: MeasureFigure
    subgroups: list[MeasureFigure]


@dataclass(frozen=True, slots=True)
class DestinationShare:
    category: str
    leavers: int
    percentage: float


@dataclass(frozen=True, slots=True)
class LeaverDestinations:
    leavers: int
    categories: list[DestinationShare]  # most leavers first
    eet: int
    unknown: int
    eet_rate: float | None  # EET ÷ all leavers, unknown destinations included


@dataclass(frozen=True, slots=True)
class SchoolSummary:
    """Everything on one school's progress summary, as at one assessment point.

    `results_year` is the year whose leavers, exam results and measures are shown: the
    report's own year at its last module, else the year before (this year's pupils have
    not left or sat their exams yet)."""

    school_id: uuid.UUID
    school_name: str
    point: AssessmentPoint
    module_name: str
    results_year: str
    cohort: StrandSummary  # all strands together
    strands: list[StrandSummary]
    groups: list[GroupSummary]
    attendance: AttendanceSummary
    pass_rates: list[PassRateSummary]  # "All" first, then each level
    measures: list[MeasureSummary]
    destinations: LeaverDestinations
    targets: dict[str, int]  # current targets per tracking status at the point
    pseudonymised: bool


@dataclass(frozen=True, slots=True)
class TrustSummary:
    """Each school's summary side by side, at the same module of the same year."""

    trust_id: uuid.UUID
    trust_name: str
    point: AssessmentPoint
    schools: list[SchoolSummary]
    pseudonymised: bool
