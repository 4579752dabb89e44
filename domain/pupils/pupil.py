"""The pupil, with dated characteristics and enrolments.

Characteristics are dated periods because groups are judged "as at" a date:
a pupil may be on SEN support in autumn and have an EHC plan by summer, or be
eligible for free meals for only part of a year. Enrolments are periods too:
pupils (especially in PRUs) join and leave on any day, sometimes several times.
"""

import enum
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import combinations

from domain.kernel.errors import Problem
from domain.pupils.upn import normalise as normalise_upn
from domain.pupils.upn import upn_problems

YEAR_GROUPS: tuple[str, ...] = ("N1", "N2", "R", *(str(n) for n in range(1, 15)))


def normalise_year_group(text: str) -> str:
    """ "r", " 7" and "n1" mean R, 7 and N1: the codes are compared in one spelling."""
    return text.strip().upper()


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Gender(enum.StrEnum):
    MALE = "M"
    FEMALE = "F"
    UNKNOWN = "U"


class SenProvision(enum.StrEnum):
    EHC_PLAN = "E"
    SEN_SUPPORT = "K"
    NO_SEN = "N"


class NeedType(enum.StrEnum):
    SPLD = "SPLD"
    MLD = "MLD"
    SLD = "SLD"
    PMLD = "PMLD"
    SEMH = "SEMH"
    SLCN = "SLCN"
    HI = "HI"
    VI = "VI"
    MSI = "MSI"
    PD = "PD"
    ASD = "ASD"
    OTH = "OTH"
    NSA = "NSA"


class CharacteristicKind(enum.StrEnum):
    SEN_PROVISION = "sen_provision"
    SEN_NEED = "sen_need"
    PUPIL_PREMIUM = "pupil_premium"
    FSM = "fsm"
    EAL = "eal"
    LOOKED_AFTER = "looked_after"


FLAG_KINDS = frozenset(
    {
        CharacteristicKind.PUPIL_PREMIUM,
        CharacteristicKind.FSM,
        CharacteristicKind.EAL,
        CharacteristicKind.LOOKED_AFTER,
    }
)


class Registration(enum.StrEnum):
    """Census enrolment status: single, main dual or subsidiary dual registration."""

    SINGLE = "C"
    MAIN = "M"
    SUBSIDIARY = "S"


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


@dataclass(frozen=True, slots=True)
class Characteristic:
    """A dated fact about a pupil: an SEN provision or need, or a group flag."""

    kind: CharacteristicKind
    start_on: date
    end_on: date | None = None
    value: str | None = None  # provision code (E/K/N) or need type code
    rank: int | None = None  # need rank, 1 = primary

    def active_on(self, day: date) -> bool:
        return self.start_on <= day and (self.end_on is None or day <= self.end_on)

    def overlaps(self, other: "Characteristic") -> bool:
        return _overlaps(self.start_on, self.end_on, other.start_on, other.end_on)


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A period on roll at the pupil's school."""

    joined_on: date
    left_on: date | None = None
    registration: Registration = Registration.SINGLE

    def on_roll(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)


@dataclass(slots=True)
class Pupil:
    id: uuid.UUID
    school_id: uuid.UUID
    forename: str
    surname: str
    date_of_birth: date
    gender: Gender
    year_group: str
    upn: str | None = None
    mis_id: str | None = None
    pathway: str | None = None
    characteristics: list[Characteristic] = field(default_factory=list)
    enrolments: list[Enrolment] = field(default_factory=list)
    version: int = 1
    deleted_at: datetime | None = None

    def __post_init__(self) -> None:
        self.year_group = normalise_year_group(self.year_group)
        if self.upn is not None:
            self.upn = normalise_upn(self.upn) or None
        if self.mis_id is not None:
            self.mis_id = self.mis_id.strip() or None

    # --- queries ---------------------------------------------------------------
    def on_roll(self, day: date) -> bool:
        return any(e.on_roll(day) for e in self.enrolments)

    @property
    def first_joined_on(self) -> date | None:
        return min((e.joined_on for e in self.enrolments), default=None)

    def characteristic_on(self, kind: CharacteristicKind, day: date) -> Characteristic | None:
        return next((c for c in self.characteristics if c.kind is kind and c.active_on(day)), None)

    def has_flag(self, kind: CharacteristicKind, day: date) -> bool:
        return self.characteristic_on(kind, day) is not None

    def sen_provision_on(self, day: date) -> SenProvision:
        found = self.characteristic_on(CharacteristicKind.SEN_PROVISION, day)
        return SenProvision(found.value) if found and found.value else SenProvision.NO_SEN

    def needs_on(self, day: date) -> list[NeedType]:
        """Active need types on `day`, primary first."""
        active = [
            c
            for c in self.characteristics
            if c.kind is CharacteristicKind.SEN_NEED and c.active_on(day) and c.value
        ]
        return [NeedType(c.value) for c in sorted(active, key=lambda c: c.rank or 99) if c.value]

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    # --- rules -----------------------------------------------------------------
    def problems(self, today: date) -> list[Problem]:
        """Every rule this pupil breaks, so one response can name them all."""
        found: list[Problem] = []
        found += _name_problems("forename", self.forename)
        found += _name_problems("surname", self.surname)
        if self.upn is None and self.mis_id is None:
            found.append(Problem("upn", "give a UPN (or temporary UPN) or an MIS id", "required"))
        if self.upn is not None:
            found += upn_problems(self.upn)
        if self.mis_id is not None and len(self.mis_id) > 64:
            found.append(Problem("mis_id", "at most 64 characters", "too_long"))
        if self.year_group not in YEAR_GROUPS:
            found.append(
                Problem("year_group", f"must be one of {', '.join(YEAR_GROUPS)}", "year_group")
            )
        if self.date_of_birth >= today:
            found.append(Problem("date_of_birth", "must be in the past", "date.future"))
        elif self.age_on(today) > 30:
            found.append(Problem("date_of_birth", "pupil would be over 30", "date.too_old"))
        if self.pathway is not None and len(self.pathway) > 100:
            found.append(Problem("pathway", "at most 100 characters", "too_long"))
        found += _enrolment_problems(self.enrolments)
        found += characteristic_problems(self.characteristics)
        return found


def _name_problems(field_name: str, value: str) -> list[Problem]:
    if not value.strip():
        return [Problem(field_name, "must not be blank", "blank")]
    if len(value) > 100:
        return [Problem(field_name, "at most 100 characters", "too_long")]
    if _CONTROL.search(value):
        return [Problem(field_name, "must not contain control characters", "control_chars")]
    return []


def _enrolment_problems(enrolments: list[Enrolment]) -> list[Problem]:
    found: list[Problem] = []
    if not enrolments:
        found.append(Problem("enrolments", "a pupil needs at least one enrolment", "required"))
    for i, e in enumerate(enrolments):
        if e.left_on is not None and e.left_on < e.joined_on:
            found.append(
                Problem(f"enrolments[{i}].left_on", "left_on is before joined_on", "date.order")
            )
    for (i, a), (j, b) in combinations(enumerate(enrolments), 2):
        if _overlaps(a.joined_on, a.left_on, b.joined_on, b.left_on):
            found.append(
                Problem(f"enrolments[{j}]", f"overlaps enrolments[{i}]", "enrolment.overlap")
            )
    return found


def characteristic_problems(items: list[Characteristic]) -> list[Problem]:
    """Census rules: one open provision at a time, unique need ranks, NSA only with K."""
    found: list[Problem] = []
    for i, c in enumerate(items):
        where = f"characteristics[{i}]"
        if c.end_on is not None and c.end_on < c.start_on:
            found.append(Problem(f"{where}.end_on", "end_on is before start_on", "date.order"))
        if c.kind is CharacteristicKind.SEN_PROVISION:
            if c.value not in {p.value for p in SenProvision}:
                found.append(Problem(f"{where}.value", "SEN provision is E, K or N", "sen"))
        elif c.kind is CharacteristicKind.SEN_NEED:
            if c.value not in {n.value for n in NeedType}:
                found.append(
                    Problem(f"{where}.value", "not a census SEN need type code", "sen.need")
                )
            if c.rank is None or c.rank < 1:
                found.append(Problem(f"{where}.rank", "a need has a rank of 1 or more", "sen.rank"))
        elif c.value is not None or c.rank is not None:
            found.append(Problem(f"{where}.value", f"{c.kind.value} takes no value", "invalid"))
    for (i, a), (j, b) in combinations(enumerate(items), 2):
        if a.kind is not b.kind or not a.overlaps(b):
            continue
        where = f"characteristics[{j}]"
        if a.kind is CharacteristicKind.SEN_NEED:
            if a.rank == b.rank:
                found.append(
                    Problem(
                        where, f"rank {b.rank} is already taken by characteristics[{i}]", "sen.rank"
                    )
                )
            elif a.value == b.value:
                found.append(Problem(where, f"duplicates characteristics[{i}]", "duplicate"))
        else:
            found.append(
                Problem(where, f"overlaps characteristics[{i}] ({a.kind.value})", "period.overlap")
            )
    provisions = [c for c in items if c.kind is CharacteristicKind.SEN_PROVISION]
    for j, need in enumerate(items):
        if need.kind is CharacteristicKind.SEN_NEED and any(
            p.value == SenProvision.NO_SEN.value and p.overlaps(need) for p in provisions
        ):
            found.append(
                Problem(
                    f"characteristics[{j}]",
                    "a need is recorded only while the pupil has SEN support or an EHC plan",
                    "sen.need_without_provision",
                )
            )
    for j, need in enumerate(items):
        if need.kind is CharacteristicKind.SEN_NEED and need.value == NeedType.NSA.value:
            clash = any(
                p.value != SenProvision.SEN_SUPPORT.value and p.overlaps(need) for p in provisions
            )
            if clash:
                found.append(
                    Problem(
                        f"characteristics[{j}].value",
                        "NSA is only used with SEN support (K)",
                        "sen.nsa",
                    )
                )
    return found
