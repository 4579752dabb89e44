"""SEN Code of Practice 6.17 flags: progress that may be less than expected.

CoP 6.17 asks teachers to notice progress which is significantly slower than that of
peers starting from the same baseline, fails to match or better the child's previous
rate, fails to close the attainment gap with peers, or widens it. Each is an
independent yes/no for one pupil on one strand, shown with the numbers behind it, for
a SENCO's work-list; none is a band and none excludes another.

Everything is as at an assessment point (module `sequence` of `academic_year`, in each
school) and about the pupil-strands judged at that module. For each of them:

  this year   from the start judgement (the latest judgement of kind baseline in the
              academic year before the one at the point, else the year's first
              judgement; never the judgement at the point itself) to the judgement at the
              point. rate = gain x 365.25 / days on roll between the two (weeks off roll
              are not counted); no rate without a start or without days on roll.
  last year   the previous academic year on the same strand in the same school: from its
              start judgement (same rule) to its last judgement. No rate when the pupil
              has fewer than two judgements then, or no days on roll between them.
  pool        who can be a peer: pupil-strands judged at the same point, on the same
              strand, other than the pupil, in the pupil's own school (pool=school) or in
              any school of its trust that the caller can see (pool=trust).
  grouping    the framework's active general model (the one for no pathway) says how
              wide a start band is (start_band_width) and how many years an age band
              spans (age_band_years); 3.0 and 2 when the framework has no such model.
              start band = floor(start value / width); age band = age on the 31 August
              before the academic year (the date year groups go by) // years
              (domain.progress.start_band_of and age_band_of).

The flags (values are compared with SLACK, 1e-9 steps, so that arithmetic noise in
floating point never decides a boundary):

  (a) slower_than_peers: rate < p25 of the rates of peers in the same start band and
      age band (percentile_cont's p25, computed on the fly), when there are at least
      `min_peers` such peers. Evidence: the rate, the peers' p25, p50 and count.
  (b) below_previous_rate: rate < last year's rate - `tolerance`. Evidence: both rates.
      Not flagged, and "no_previous_year", when last year has no rate.
  (c) gap_not_closing and (d) gap_widening: gap = median value of peers in the same age
      band - the pupil's value, at the start (start judgements) and now (judgements at
      the point). The peers are the same at both times: those with a start judgement
      this year, and there must be at least `min_peers` of them.
      gap_not_closing: gap_now >= gap_start and gap_now > 0 (the pupil is behind now).
      gap_widening: gap_now > gap_start and gap_now > 0. An attainment gap is the pupil
      being behind: a pupil ahead of peers whose lead shrinks has no gap to widen (and
      nothing to close), though slower_than_peers may still catch them.
      Evidence: both gaps, the peers' medians at both times and their count.

When a flag cannot be judged it is not raised, and `Unmeasured` says why. Archived
pupils are left off a work-list but still count as peers: their judgements happened.
"""

import enum
import math
import uuid
from dataclasses import dataclass, field
from datetime import date

from domain.analytics.progress import DAYS_PER_YEAR, AssessmentPoint
from domain.kernel.calendar import AcademicYear
from domain.kernel.errors import Problem

#: Steps (or steps per year): differences smaller than this are equal.
SLACK = 1e-9
DEFAULT_START_BAND_WIDTH = 3.0
DEFAULT_AGE_BAND_YEARS = 2
DEFAULT_MIN_PEERS = 10
MAX_MIN_PEERS = 1000


class Flag(enum.StrEnum):
    SLOWER_THAN_PEERS = "slower_than_peers"
    BELOW_PREVIOUS_RATE = "below_previous_rate"
    GAP_NOT_CLOSING = "gap_not_closing"
    GAP_WIDENING = "gap_widening"


class Pool(enum.StrEnum):
    """Where peers come from: the pupil's school, or every school of its trust the caller sees."""

    SCHOOL = "school"
    TRUST = "trust"


class Unmeasured(enum.StrEnum):
    """Why a flag could not be judged (it is then not raised)."""

    NO_RATE = "no_rate_this_year"  # no start judgement this year, or no days on roll since
    NO_START = "no_start_this_year"  # the gap at the start needs a start judgement
    NO_PREVIOUS_YEAR = "no_previous_year"
    TOO_FEW_PEERS = "too_few_peers"


def annualised(gain: float, days_on_roll: int | None) -> float | None:
    """Steps per year: gain x 365.25 / days on roll; None without time on roll."""
    if days_on_roll is None or days_on_roll <= 0:
        return None
    return gain * DAYS_PER_YEAR / days_on_roll


def age_on(day: date, born: date) -> int:
    """Whole years of age on `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_day(year: AcademicYear) -> date:
    """The day ages are taken on for an academic year: 31 August before it starts."""
    return date(year.start_year, 8, 31)


@dataclass(frozen=True, slots=True)
class FlagSettings:
    """The knobs a SENCO may turn; every result repeats them."""

    pool: Pool = Pool.SCHOOL
    min_peers: int = DEFAULT_MIN_PEERS
    tolerance: float = 0.0  # steps per year a pupil may fall below last year's rate

    def problems(self) -> list[Problem]:
        found = []
        if not 1 <= self.min_peers <= MAX_MIN_PEERS:
            found.append(Problem("min_peers", f"between 1 and {MAX_MIN_PEERS}", "range"))
        if not math.isfinite(self.tolerance) or self.tolerance < 0:
            found.append(Problem("tolerance", "a number of steps per year, 0 or more", "range"))
        return found


@dataclass(frozen=True, slots=True)
class FlagQuery:
    """Which pupil-strands to check, against which pool of schools."""

    point: AssessmentPoint
    school_ids: tuple[uuid.UUID, ...]  # whose pupils are checked
    pool_school_ids: tuple[uuid.UUID, ...]  # whose pupils may be peers (includes school_ids)
    settings: FlagSettings = field(default_factory=FlagSettings)
    strand_id: uuid.UUID | None = None
    pupil_id: uuid.UUID | None = None
    flag: Flag | None = None  # a work-list of only this flag

    @property
    def year(self) -> AcademicYear:
        return AcademicYear.parse(self.point.academic_year)

    @property
    def previous_year(self) -> str:
        return self.year.previous().label


@dataclass(frozen=True, slots=True)
class StepOn:
    step_id: uuid.UUID
    value: float
    on: date


@dataclass(frozen=True, slots=True)
class Interval:
    """A pupil's progress on a strand over (part of) a year: start and end, and its rate."""

    start: StepOn | None
    end: StepOn
    days_on_roll: int | None
    rate: float | None  # steps per year


@dataclass(frozen=True, slots=True)
class Grouping:
    """How peers were grouped, and by which model version (None: the defaults)."""

    model_id: uuid.UUID | None
    model_label: str | None
    start_band_width: float
    age_band_years: int
    start_band: int | None  # None without a start judgement this year
    age_band: int


@dataclass(frozen=True, slots=True)
class PeerRates:
    """Rates of peers from the same start band and age band."""

    learners: int
    p25: float | None
    p50: float | None


@dataclass(frozen=True, slots=True)
class PeerValues:
    """Median values of peers in the same age band, at the start and now."""

    learners: int
    median_start: float | None
    median_now: float | None


@dataclass(frozen=True, slots=True)
class FlagCheck:
    """One pupil-strand at an assessment point: the evidence and the flags raised on it."""

    pupil_id: uuid.UUID
    school_id: uuid.UUID
    strand_id: uuid.UUID
    framework_id: uuid.UUID
    this_year: Interval
    last_year: Interval | None
    grouping: Grouping
    peer_rates: PeerRates
    peer_values: PeerValues
    flags: frozenset[Flag]  # as the database raised them

    @property
    def gap_start(self) -> float | None:
        start, median = self.this_year.start, self.peer_values.median_start
        return None if start is None or median is None else median - start.value

    @property
    def gap_now(self) -> float | None:
        median = self.peer_values.median_now
        return None if median is None else median - self.this_year.end.value


@dataclass(frozen=True, slots=True)
class Verdict:
    flagged: bool
    unmeasured: Unmeasured | None = None


def slower_than_peers(rate: float | None, peers: PeerRates, min_peers: int) -> Verdict:
    if rate is None:
        return Verdict(False, Unmeasured.NO_RATE)
    if peers.learners < min_peers or peers.p25 is None:
        return Verdict(False, Unmeasured.TOO_FEW_PEERS)
    return Verdict(rate < peers.p25 - SLACK)


def below_previous_rate(rate: float | None, previous: float | None, tolerance: float) -> Verdict:
    if rate is None:
        return Verdict(False, Unmeasured.NO_RATE)
    if previous is None:
        return Verdict(False, Unmeasured.NO_PREVIOUS_YEAR)
    return Verdict(rate < previous - tolerance - SLACK)


def gap_not_closing(gap_start: float, gap_now: float) -> bool:
    """The pupil is behind now, and by at least as much as at the start."""
    return gap_now > SLACK and gap_now >= gap_start - SLACK


def gap_widening(gap_start: float, gap_now: float) -> bool:
    """The pupil is behind now, by more than at the start."""
    return gap_now > SLACK and gap_now > gap_start + SLACK


def _gaps(check: FlagCheck, min_peers: int) -> tuple[float, float] | Unmeasured:
    """The gap at the start and now, or why they cannot be measured."""
    if check.this_year.start is None:
        return Unmeasured.NO_START
    gap_start, gap_now = check.gap_start, check.gap_now
    if check.peer_values.learners < min_peers or gap_start is None or gap_now is None:
        return Unmeasured.TOO_FEW_PEERS
    return gap_start, gap_now


def verdicts(check: FlagCheck, settings: FlagSettings) -> dict[Flag, Verdict]:
    """Every flag on a pupil-strand, with why it could not be judged where it could not."""
    rate = check.this_year.rate
    previous = check.last_year.rate if check.last_year is not None else None
    gaps = _gaps(check, settings.min_peers)
    if isinstance(gaps, Unmeasured):
        not_closing = widening = Verdict(False, gaps)
    else:
        not_closing = Verdict(gap_not_closing(*gaps))
        widening = Verdict(gap_widening(*gaps))
    return {
        Flag.SLOWER_THAN_PEERS: slower_than_peers(rate, check.peer_rates, settings.min_peers),
        Flag.BELOW_PREVIOUS_RATE: below_previous_rate(rate, previous, settings.tolerance),
        Flag.GAP_NOT_CLOSING: not_closing,
        Flag.GAP_WIDENING: widening,
    }


@dataclass(frozen=True, slots=True)
class Tally:
    pupils: int
    pupil_strands: int


@dataclass(frozen=True, slots=True)
class FlagCounts:
    """Over everything checked (whatever the work-list was narrowed to by `flag`)."""

    pupils_checked: int
    pupil_strands_checked: int
    pupils_flagged: int
    by_flag: dict[Flag, Tally]


@dataclass(frozen=True, slots=True)
class Worklist:
    """The flagged pupil-strands (ordered by pupil, then strand) and the counts."""

    counts: FlagCounts
    checks: list[FlagCheck]
