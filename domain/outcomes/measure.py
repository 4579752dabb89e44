"""School- and trust-defined KS4 measures, kept as data.

Leicester Partnership's "Attainment 5 - Premier" is: Year 11 leavers on the KS4 programme
for 3 or more terms who gained 5 or more Level 1 qualifications; "Preliminary" is on the
programme 1 term or more with 3 or more Level 1 qualifications including English and maths
at their working level, counted only for pupils not already counted in Premier. A measure
says which leavers it is about and what they must have achieved:

  cohort        leavers of an academic year with a year group at leaving (their
                destination record: record one for every leaver, category `unknown`
                if need be, and the leaving date and year group come from it)
  terms         terms on the programme, at least `min_terms_on_programme` (below)
  passes        at least `min_qualifications` passed entries at `min_level` or above
  english/maths optionally also a passed English and a passed maths entry at any level
                (the pupil's working level), whatever the count above
  excluding     optionally not counted by another measure (tiers counted exclusively)

Terms on programme: the programme is the `programme_years` academic years up to and
including the leaving year (two for KS4: Years 10 and 11). Each year has three terms with
fixed dates, autumn 1 September-31 December, spring 1 January-31 March and summer
1 April-31 August; a term counts when it started on or before the leaving date and any
enrolment of the pupil at the school overlaps it by at least one day. A pupil who joined in
January of Year 11 and left in July has 2 terms.

Qualifications count whenever they were awarded (results often arrive after pupils leave).
"""

import enum
import uuid
from dataclasses import dataclass, field

from domain.kernel.errors import Problem
from domain.outcomes.qualification import QualificationLevel
from domain.pupils.pupil import YEAR_GROUPS, normalise_year_group

TERMS_PER_YEAR = 3


class Subgroup(enum.StrEnum):
    """Groups a measure's result is broken down by, as at each pupil's leaving date."""

    PUPIL_PREMIUM = "pupil_premium"
    FSM = "fsm"
    EAL = "eal"
    LOOKED_AFTER = "looked_after"
    EHCP = "ehcp"  # SEN provision E
    SEN_PROVISION = "sen_provision"
    PRIMARY_NEED = "primary_need"
    GENDER = "gender"
    SCHOOL = "school"


@dataclass(slots=True)
class MeasureDefinition:
    """Owned by a trust (for all its schools) or by one school, like frameworks."""

    id: uuid.UUID
    name: str
    year_group_at_leaving: str
    min_qualifications: int
    min_level: QualificationLevel = QualificationLevel.LEVEL_1
    min_terms_on_programme: int = 0
    programme_years: int = 2
    require_english_and_maths: bool = False
    excluding_id: uuid.UUID | None = None
    subgroups: tuple[Subgroup, ...] = (Subgroup.PUPIL_PREMIUM, Subgroup.EHCP)
    description: str = ""
    trust_id: uuid.UUID | None = None
    school_id: uuid.UUID | None = None
    version: int = 1

    def __post_init__(self) -> None:
        self.year_group_at_leaving = normalise_year_group(self.year_group_at_leaving)

    def usable_by(self, school_id: uuid.UUID, school_trust_id: uuid.UUID | None) -> bool:
        return self.school_id == school_id or (
            self.trust_id is not None and self.trust_id == school_trust_id
        )

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        if (self.trust_id is None) == (self.school_id is None):
            found.append(Problem("owner", "a measure is owned by a trust or by a school", "owner"))
        if not self.name.strip():
            found.append(Problem("name", "must not be blank", "blank"))
        elif len(self.name) > 200:
            found.append(Problem("name", "at most 200 characters", "too_long"))
        if len(self.description) > 2000:
            found.append(Problem("description", "at most 2000 characters", "too_long"))
        if self.year_group_at_leaving not in YEAR_GROUPS:
            found.append(Problem("year_group_at_leaving", "not a year group", "year_group"))
        if not 1 <= self.programme_years <= 4:
            found.append(Problem("programme_years", "1 to 4 academic years", "range"))
        elif not 0 <= self.min_terms_on_programme <= TERMS_PER_YEAR * self.programme_years:
            found.append(
                Problem(
                    "min_terms_on_programme",
                    f"0 to {TERMS_PER_YEAR * self.programme_years} terms"
                    f" (3 a year for {self.programme_years} years)",
                    "range",
                )
            )
        if not 0 <= self.min_qualifications <= 50:
            found.append(Problem("min_qualifications", "0 to 50", "range"))
        if len(set(self.subgroups)) != len(self.subgroups):
            found.append(Problem("subgroups", "a subgroup is listed twice", "duplicate"))
        if self.excluding_id is not None and self.excluding_id == self.id:
            found.append(Problem("excluding_id", "a measure cannot exclude itself", "reference"))
        return found


@dataclass(frozen=True, slots=True)
class MeasureRule:
    """What one measure of an exclusion chain asks of a leaver."""

    min_terms_on_programme: int
    min_qualifications: int
    min_level: QualificationLevel
    require_english_and_maths: bool

    @classmethod
    def of(cls, measure: MeasureDefinition) -> "MeasureRule":
        return cls(
            measure.min_terms_on_programme,
            measure.min_qualifications,
            measure.min_level,
            measure.require_english_and_maths,
        )


@dataclass(frozen=True, slots=True)
class MeasureQuery:
    """Evaluate `rules[-1]` for leavers of `school_ids` in the academic year starting
    `leaving_year_start` at `year_group_at_leaving`; each rule excludes pupils counted by the
    rule before it (rules[0] excludes nobody)."""

    school_ids: tuple[uuid.UUID, ...]
    leaving_year_start: int
    year_group_at_leaving: str
    programme_years: int
    rules: tuple[MeasureRule, ...]
    subgroups: tuple[Subgroup, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class MeasureCounts:
    """For everyone (dimension "") or one subgroup value: leavers, how many the measure
    counts, and how many met its rule before exclusion by another measure."""

    dimension: str
    value: str | None
    leavers: int
    counted: int
    qualifying: int
