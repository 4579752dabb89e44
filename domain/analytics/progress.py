"""Expected progress, and the band a pupil's progress falls in.

A pupil's progress on a strand is measured from a baseline step to the latest
step: the gain G (in step values) over the time they were on roll between the
two judgements. An expected-progress model says how much gain E to expect for
that time, from the pupil's starting point and key stage; the band compares G
with E:

    G / E >= accelerated (2.0)  -> accelerated
          >= above       (1.5)  -> above expected
          >= expected    (1.0)  -> expected
          otherwise             -> below expected

Where E is 0 (maintenance is the aim, e.g. a degenerative condition) there is
no ratio: a loss is below, holding steady is expected when the model says
maintenance counts as expected, and any gain is above expected.
Thresholds and rates are data, versioned per framework; every result names
the model and version that made it, so published figures can be explained.
"""

import enum
import math
import uuid
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from domain.kernel.calendar import MAX_MODULES, AcademicYear
from domain.kernel.errors import Problem, invalid
from domain.pupils.pupil import YEAR_GROUPS

#: Ratios are compared with this slack so that 0.3 / 0.2 counts as 1.5, as a person would.
RATIO_TOLERANCE = 1e-9
DAYS_PER_YEAR = 365.25


class Band(enum.StrEnum):
    BELOW_EXPECTED = "below_expected"
    EXPECTED = "expected"
    ABOVE_EXPECTED = "above_expected"
    ACCELERATED = "accelerated"
    INSUFFICIENT_DATA = "insufficient_data"

    @property
    def rank(self) -> int:
        """Order for "X or better": below 0 < expected 1 < above 2 < accelerated 3."""
        return _RANKS[self]


_RANKS = {
    Band.INSUFFICIENT_DATA: -1,
    Band.BELOW_EXPECTED: 0,
    Band.EXPECTED: 1,
    Band.ABOVE_EXPECTED: 2,
    Band.ACCELERATED: 3,
}


class KeyStage(enum.StrEnum):
    EYFS = "EYFS"
    KS1 = "KS1"
    KS2 = "KS2"
    KS3 = "KS3"
    KS4 = "KS4"
    KS5 = "KS5"


def year_ordinal(year_group: str) -> int:
    """N1 -2, N2 -1, R 0, then 1..14: year groups as numbers that can be subtracted."""
    return YEAR_GROUPS.index(year_group) - 2


def key_stage_of(ordinal: int) -> KeyStage:
    if ordinal <= 0:
        return KeyStage.EYFS
    if ordinal <= 2:
        return KeyStage.KS1
    if ordinal <= 6:
        return KeyStage.KS2
    if ordinal <= 9:
        return KeyStage.KS3
    if ordinal <= 11:
        return KeyStage.KS4
    return KeyStage.KS5


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Ratios of gain to expected gain at which each band starts."""

    expected: float = 1.0
    above: float = 1.5
    accelerated: float = 2.0
    maintenance_counts_as_expected: bool = True

    def problems(self) -> list[Problem]:
        values = (self.expected, self.above, self.accelerated)
        if not all(math.isfinite(v) and v > 0 for v in values):
            return [Problem("thresholds", "thresholds are positive numbers", "thresholds")]
        if not self.expected < self.above < self.accelerated:
            return [
                Problem(
                    "thresholds",
                    "expected < above < accelerated, e.g. 1.0, 1.5, 2.0",
                    "thresholds.order",
                )
            ]
        return []


def band_for(gain: float | None, expected: float | None, thresholds: Thresholds) -> Band:
    """The band of a gain against its expected gain (see the module docstring)."""
    if gain is None or expected is None:
        return Band.INSUFFICIENT_DATA
    if expected <= 0:
        if gain < 0:
            return Band.BELOW_EXPECTED
        if gain == 0:
            return (
                Band.EXPECTED if thresholds.maintenance_counts_as_expected else Band.BELOW_EXPECTED
            )
        return Band.ABOVE_EXPECTED
    ratio = gain / expected
    if ratio >= thresholds.accelerated - RATIO_TOLERANCE:
        return Band.ACCELERATED
    if ratio >= thresholds.above - RATIO_TOLERANCE:
        return Band.ABOVE_EXPECTED
    if ratio >= thresholds.expected - RATIO_TOLERANCE:
        return Band.EXPECTED
    return Band.BELOW_EXPECTED


@dataclass(frozen=True, slots=True)
class RateRule:
    """Expected steps per year for pupils starting in [start_min, start_max), optionally
    only in one key stage. A key-stage rule beats an any-key-stage rule for the same start."""

    start_min: float
    start_max: float
    rate_per_year: float
    key_stage: KeyStage | None = None

    def matches(self, start: float, key_stage: KeyStage) -> bool:
        in_range = self.start_min <= start < self.start_max
        return in_range and (self.key_stage is None or self.key_stage is key_stage)


class ModelKind(enum.StrEnum):
    RATE = "rate"
    PERCENTILE = "percentile"


@dataclass(slots=True)
class ProgressModel:
    """One version of an expected-progress model for a framework (optionally one pathway).

    Versions are immutable once saved: changing a model saves version n+1 under the
    same `lineage`, and results computed earlier still name the version they used.
    """

    id: uuid.UUID
    lineage: uuid.UUID
    version: int
    framework_id: uuid.UUID
    name: str
    kind: ModelKind = ModelKind.RATE
    pathway: str | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)
    rules: list[RateRule] = field(default_factory=list)
    #: percentile models: how similar learners are grouped, and how many make a comparison
    start_band_width: float = 3.0
    age_band_years: int = 2
    match_primary_need: bool = False
    min_peers: int = 10
    active: bool = True

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"

    def rate_for(self, start: float, key_stage: KeyStage) -> RateRule | None:
        """The most specific rule for a starting value and key stage, if any."""
        matching = [r for r in self.rules if r.matches(start, key_stage)]
        matching.sort(key=lambda r: r.key_stage is None)
        return matching[0] if matching else None

    def expected_gain(self, start: float, key_stage: KeyStage, days_on_roll: int) -> float | None:
        rule = self.rate_for(start, key_stage)
        if rule is None:
            return None
        return rule.rate_per_year * days_on_roll / DAYS_PER_YEAR

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        if not self.name.strip():
            found.append(Problem("name", "must not be blank", "blank"))
        found += self.thresholds.problems()
        if self.kind is ModelKind.RATE and not self.rules:
            found.append(Problem("rules", "a rate model needs at least one rule", "required"))
        for i, rule in enumerate(self.rules):
            where = f"rules[{i}]"
            finite = all(
                math.isfinite(v) for v in (rule.start_min, rule.start_max, rule.rate_per_year)
            )
            if not finite:
                found.append(Problem(where, "numbers must be finite", "number"))
            elif rule.start_max <= rule.start_min:
                found.append(
                    Problem(f"{where}.start_max", "start_max is not above start_min", "range")
                )
            elif rule.rate_per_year < 0:
                found.append(Problem(f"{where}.rate_per_year", "must not be negative", "range"))
        for (i, a), (j, b) in combinations(enumerate(self.rules), 2):
            same_stage = a.key_stage is b.key_stage
            if same_stage and a.start_min < b.start_max and b.start_min < a.start_max:
                found.append(
                    Problem(
                        f"rules[{j}]",
                        f"overlaps rules[{i}] for the same key stage",
                        "rules.overlap",
                    )
                )
        if self.start_band_width <= 0 or not math.isfinite(self.start_band_width):
            found.append(Problem("start_band_width", "must be a positive number", "range"))
        if self.age_band_years < 1:
            found.append(Problem("age_band_years", "at least 1", "range"))
        if self.min_peers < 1:
            found.append(Problem("min_peers", "at least 1", "range"))
        return found


@dataclass(frozen=True, slots=True)
class ReferenceCell:
    """Gains per year of similar learners, for a percentile model version: learners of one
    strand whose baseline fell in one start band, of one age band (and primary need)."""

    strand_id: uuid.UUID
    start_band: int
    age_band: int
    primary_need: str  # "" when the model does not match on need
    learners: int
    p25: float
    p50: float
    p75: float
    p90: float


def start_band_of(value: float, width: float) -> int:
    return math.floor(value / width)


def age_band_of(age: int, years: int) -> int:
    return age // years


@dataclass(frozen=True, slots=True)
class AssessmentPoint:
    """Module `sequence` of `academic_year` in each school: the "as at" of every analysis.
    Checked when made, so every adapter (REST, GraphQL, CLI) gets the same refusal."""

    academic_year: str
    sequence: int

    def __post_init__(self) -> None:
        AcademicYear.parse(self.academic_year)
        if not 1 <= self.sequence <= MAX_MODULES:
            raise invalid("module", f"a module number is 1 to {MAX_MODULES}", "range")


@dataclass(frozen=True, slots=True)
class ProgressFact:
    """One pupil's progress on one strand, as at an assessment point, with its inputs."""

    pupil_id: uuid.UUID
    school_id: uuid.UUID
    strand_id: uuid.UUID
    framework_id: uuid.UUID
    latest_step_id: uuid.UUID
    latest_value: float
    latest_on: date
    baseline_step_id: uuid.UUID | None
    baseline_value: float | None
    baseline_on: date | None
    gain: float | None
    days_on_roll: int | None
    expected_gain: float | None
    band: Band
    model_id: uuid.UUID | None
    model_label: str | None


@dataclass(frozen=True, slots=True)
class BandCounts:
    """How many pupil-strands were judged, measured (baseline and model known) and in each
    cumulative band: expected-or-better includes above and accelerated."""

    judged: int
    measured: int
    expected_or_better: int
    above_or_better: int
    accelerated: int

    def __add__(self, other: "BandCounts") -> "BandCounts":
        """Counts of two disjoint sets of pupil-strands, e.g. two schools' cohorts."""
        return BandCounts(
            self.judged + other.judged,
            self.measured + other.measured,
            self.expected_or_better + other.expected_or_better,
            self.above_or_better + other.above_or_better,
            self.accelerated + other.accelerated,
        )


@dataclass(frozen=True, slots=True)
class GroupCounts:
    """Counts for the whole cohort (dimension "") or one group, e.g. ("eal", "yes")."""

    dimension: str
    value: str | None
    counts: BandCounts


#: The groups a cohort can be broken down by.
DIMENSIONS = (
    "pupil_premium",
    "fsm",
    "eal",
    "looked_after",
    "sen_provision",
    "primary_need",
    "gender",
    "year_group",
    "pathway",
    "school",
    "strand",
)
