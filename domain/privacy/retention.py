"""How long a pupil's records are kept, and when a school may erase them (UK GDPR art. 17).

The IRMS toolkit for schools keeps a pupil's SEN records until the pupil's date of birth
+ 31 years (a former pupil may need them for a claim long after leaving); a school may set
its own period (School.sen_retention_years). A pupil who
never had SEN support, an EHC plan or a recorded need holds no SEN record, so nothing
holds their erasure. Before the date, erasure is refused unless the school records its
own decision to erase early, with a reason (the school is the controller; Stepwise only
makes the decision explicit and logged).
"""

import enum
import re
import uuid
from dataclasses import dataclass
from datetime import date

from domain.kernel.errors import Conflict, Problem
from domain.organisation.organisation import SEN_RETENTION_YEARS
from domain.pupils.pupil import CharacteristicKind, Pupil, SenProvision

REASON_MAX = 2000


class RetentionBasis(enum.StrEnum):
    """Why the records were (or were not) still held on the day of erasure."""

    NOT_HELD = "not_held"  # no SEN record: nothing holds it
    RETENTION_ENDED = "retention_ended"  # date of birth + 31 years has passed
    SCHOOL_DECISION = "school_decision"  # erased early on the school's recorded decision


def has_sen_record(pupil: Pupil) -> bool:
    """Ever on SEN support or an EHC plan, or with a recorded need, at any date."""
    sen = {SenProvision.EHC_PLAN.value, SenProvision.SEN_SUPPORT.value}
    return any(
        c.kind is CharacteristicKind.SEN_NEED
        or (c.kind is CharacteristicKind.SEN_PROVISION and c.value in sen)
        for c in pupil.characteristics
    )


def years_after(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def erasable_on(pupil: Pupil, years: int = SEN_RETENTION_YEARS) -> date | None:
    """The first day the pupil's records may be erased without a school decision (None: now)."""
    return years_after(pupil.date_of_birth, years) if has_sen_record(pupil) else None


class RetentionHeld(Conflict):
    """Erasure asked for before the retention period ends, without a school decision."""

    def __init__(self, erasable_on: date, years: int = SEN_RETENTION_YEARS) -> None:
        self.erasable_on = erasable_on
        super().__init__(
            f"SEN records are kept until the pupil's date of birth + {years}"
            f" years: erasable on {erasable_on.isoformat()}, or earlier only by recording the"
            " school's decision (school_decision with its reason)",
            field="school_decision",
        )


@dataclass(frozen=True, slots=True)
class RetentionDecision:
    """What let this erasure go ahead; stored in the erasure's audit entry."""

    basis: RetentionBasis
    erasable_on: date | None
    school_decision_reason: str | None = None


def decide(
    pupil: Pupil,
    today: date,
    school_decision: bool,
    school_decision_reason: str | None,
    years: int = SEN_RETENTION_YEARS,
) -> RetentionDecision:
    """The retention decision for erasing `pupil` today, under the school's period of
    `years`, or RetentionHeld."""
    held_until = erasable_on(pupil, years)
    if held_until is None:
        return RetentionDecision(RetentionBasis.NOT_HELD, None)
    if today >= held_until:
        return RetentionDecision(RetentionBasis.RETENTION_ENDED, held_until)
    if not school_decision:
        raise RetentionHeld(held_until, years)
    return RetentionDecision(RetentionBasis.SCHOOL_DECISION, held_until, school_decision_reason)


def reason_problems(field: str, reason: str | None) -> list[Problem]:
    if reason is None or not reason.strip():
        return [Problem(field, "required: say why", "required")]
    if len(reason) > REASON_MAX:
        return [Problem(field, f"at most {REASON_MAX} characters", "length")]
    if "\x00" in reason:
        return [Problem(field, "must not contain NUL characters", "format")]
    return []


def without_identifiers(text: str, pupil: Pupil) -> str:
    """`text` with the pupil's names, UPN and MIS id blanked: a reason typed by an admin
    often names the pupil, and the erasure's own audit entry must not."""
    words = [w for w in (pupil.forename, pupil.surname, pupil.upn, pupil.mis_id) if w]
    for word in sorted(words, key=len, reverse=True):
        # whole words only: a pupil called Ben leaves "benefit" alone
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", "[erased]", text, flags=re.IGNORECASE)
    return text


@dataclass(frozen=True, slots=True)
class Erasure:
    """What an erasure did: ids and counts, nothing about the pupil."""

    pupil_id: uuid.UUID
    school_id: uuid.UUID
    decision: RetentionDecision
    rows_erased: dict[str, int]  # table -> rows deleted
    rows_scrubbed: dict[str, int]  # table -> rows kept with the pupil's values taken out
