"""Qualifications and accreditations a pupil entered, and what they achieved.

Special schools and PRUs enter pupils for functional skills and Entry Level Certificates
(Entry 1-3, Level 1-2), GCSEs, vocational awards and non-regulated accreditations (ASDAN,
Trinity Arts Award, Ascentis, WJEC, NCFE). An entry is passed when it is completed with a
result that is not a fail: "pass", "merit", "distinction" or a grade. Pass rates are
passed / completed, so entries still awaiting results and withdrawals do not count.
"""

import datetime as dt
import enum
import uuid
from dataclasses import dataclass

from domain.kernel.errors import Problem


class QualificationLevel(enum.StrEnum):
    """Regulated levels in order; `rank` compares them ("Level 1 or above")."""

    PRE_ENTRY = "pre_entry"
    ENTRY_1 = "entry_1"
    ENTRY_2 = "entry_2"
    ENTRY_3 = "entry_3"
    LEVEL_1 = "level_1"
    LEVEL_2 = "level_2"
    LEVEL_3 = "level_3"

    @property
    def rank(self) -> int:
        return LEVEL_ORDER.index(self) + 1


LEVEL_ORDER: tuple[QualificationLevel, ...] = tuple(QualificationLevel)


class QualificationKind(enum.StrEnum):
    FUNCTIONAL_SKILLS = "functional_skills"
    GCSE = "gcse"
    VOCATIONAL = "vocational"
    ASDAN = "asdan"
    ARTS_AWARD = "arts_award"
    OTHER = "other"


class EntryStatus(enum.StrEnum):
    ENTERED = "entered"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


#: Results that are not a pass (compared case-insensitively): a fail, or ungraded.
FAILING_RESULTS = frozenset({"fail", "u", "ungraded"})

#: How a subject is recognised as English or maths: its name starts with one of these
#: (case-insensitive), so "English", "English reading" and "Maths", "Mathematics" all count.
ENGLISH_SUBJECTS = ("english",)
MATHS_SUBJECTS = ("math",)


@dataclass(slots=True)
class QualificationEntry:
    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    awarding_body: str
    title: str
    level: QualificationLevel
    kind: QualificationKind
    subject: str = ""
    status: EntryStatus = EntryStatus.ENTERED
    result: str | None = None
    awarded_on: dt.date | None = None
    version: int = 1

    @property
    def passed(self) -> bool:
        return (
            self.status is EntryStatus.COMPLETED
            and self.result is not None
            and self.result.lower() not in FAILING_RESULTS
        )

    def problems(self, today: dt.date) -> list[Problem]:
        found: list[Problem] = []
        for name, value, longest in (
            ("awarding_body", self.awarding_body, 200),
            ("title", self.title, 200),
        ):
            if not value.strip():
                found.append(Problem(name, "must not be blank", "blank"))
            elif len(value) > longest:
                found.append(Problem(name, f"at most {longest} characters", "too_long"))
        if len(self.subject) > 100:
            found.append(Problem("subject", "at most 100 characters", "too_long"))
        if self.result is not None:
            if not self.result.strip():
                found.append(Problem("result", "must not be blank; send null for none", "blank"))
            elif len(self.result) > 50:
                found.append(Problem("result", "at most 50 characters", "too_long"))
        if self.status is not EntryStatus.COMPLETED:
            if self.result is not None:
                found.append(
                    Problem("result", "only a completed entry has a result", "qualification.result")
                )
            if self.awarded_on is not None:
                found.append(
                    Problem(
                        "awarded_on", "only a completed entry is awarded", "qualification.result"
                    )
                )
        if self.awarded_on is not None and self.awarded_on > today:
            found.append(Problem("awarded_on", "must not be in the future", "date.future"))
        return found


#: What pass rates can be broken down by.
PASS_RATE_GROUPS = ("level", "subject", "awarding_body", "kind")


@dataclass(frozen=True, slots=True)
class PassRateQuery:
    """Completed entries of `school_ids` (awarded from..to, when given), optionally only
    levels min_level..max_level, counted for everyone and per value of `group_by`."""

    school_ids: tuple[uuid.UUID, ...]
    group_by: str | None = None
    awarded_from: dt.date | None = None
    awarded_to: dt.date | None = None
    min_level: QualificationLevel | None = None
    max_level: QualificationLevel | None = None


@dataclass(frozen=True, slots=True)
class PassCounts:
    """Completed and passed entries, and how many pupils completed them, for everyone
    (value None) or for one value of the group."""

    value: str | None
    total: bool
    completed: int
    passed: int
    pupils: int
