"""Attendance: one register mark per pupil, day and session, and what each code counts as.

Schools take a register twice a day (AM and PM) and record a DfE code for every pupil.
The codes became statutory on 19 August 2024 ("Working together to improve school
attendance", the School Attendance (Pupil Registration) (England) Regulations 2024):
34 codes, 12 of them new, and H, J and Y withdrawn. Registers from 2023/24 and earlier
still carry the old codes, so each code has the dates it is valid for.

How a code counts is the DfE's statistical treatment, written out in CODES below:

    present                        / \\ L                       attended, a possible session
    approved_educational_activity  K V P W B (J before 2024)   attended, a possible session
    authorised_absence             C C1 C2 M J1 S T R I E (H)  absent, a possible session
    unauthorised_absence           G N O U                     absent, a possible session
    not_counted                    D X Q Y1-Y7 Z # (Y)         not a possible session

D (attending another school where the pupil is also registered) counts at the other
school, so it is not a possible session here. Q (no access arrangements) and Y1-Y7
(unavoidable causes) are, like the old Y, not counted as possible sessions.

Attendance is attended / possible. Persistent absence is missing 10% or more of one's own
possible sessions, severe absence 50% or more (severe is a subset of persistent); both are
decided in whole numbers, so exactly 10% is persistent and 9.9% is not.
"""

import datetime as dt
import enum
import uuid
from dataclasses import dataclass

from domain.kernel.errors import Problem


class Session(enum.StrEnum):
    AM = "AM"
    PM = "PM"


class AttendanceCategory(enum.StrEnum):
    PRESENT = "present"
    APPROVED_EDUCATIONAL_ACTIVITY = "approved_educational_activity"
    AUTHORISED_ABSENCE = "authorised_absence"
    UNAUTHORISED_ABSENCE = "unauthorised_absence"
    NOT_COUNTED = "not_counted"

    @property
    def attended(self) -> bool:
        return self in (
            AttendanceCategory.PRESENT,
            AttendanceCategory.APPROVED_EDUCATIONAL_ACTIVITY,
        )

    @property
    def absent(self) -> bool:
        return self in (
            AttendanceCategory.AUTHORISED_ABSENCE,
            AttendanceCategory.UNAUTHORISED_ABSENCE,
        )

    @property
    def possible(self) -> bool:
        return self is not AttendanceCategory.NOT_COUNTED


#: The day the 2024 regulations took effect: new codes from it, withdrawn codes before it.
CODES_2024_FROM = dt.date(2024, 8, 19)
_BEFORE_2024 = CODES_2024_FROM - dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class AttendanceCode:
    """A register code, its statistical category and the days it may be used on."""

    code: str
    description: str
    category: AttendanceCategory
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        after_start = self.valid_from is None or self.valid_from <= day
        return after_start and (self.valid_to is None or day <= self.valid_to)


_P = AttendanceCategory.PRESENT
_AEA = AttendanceCategory.APPROVED_EDUCATIONAL_ACTIVITY
_AUTH = AttendanceCategory.AUTHORISED_ABSENCE
_UNAUTH = AttendanceCategory.UNAUTHORISED_ABSENCE
_NOT = AttendanceCategory.NOT_COUNTED
_NEW = {"valid_from": CODES_2024_FROM}
_OLD = {"valid_to": _BEFORE_2024}

#: The DfE register codes (2024 set, plus the three withdrawn then) and how each one counts.
CODES: dict[str, AttendanceCode] = {
    c.code: c
    for c in (
        AttendanceCode("/", "present (AM)", _P),
        AttendanceCode("\\", "present (PM)", _P),
        AttendanceCode("L", "late, arrived before the register closed", _P),
        AttendanceCode("K", "attending education arranged by the local authority", _AEA, **_NEW),
        AttendanceCode("V", "attending an educational visit or trip", _AEA),
        AttendanceCode("P", "participating in an approved sporting activity", _AEA),
        AttendanceCode("W", "attending work experience", _AEA),
        AttendanceCode("B", "attending any other approved educational activity", _AEA),
        AttendanceCode("J", "interview (before 19 August 2024)", _AEA, **_OLD),
        AttendanceCode("D", "attending another school at which the pupil is registered", _NOT),
        AttendanceCode(
            "C1", "leave for a regulated performance or employment abroad", _AUTH, **_NEW
        ),
        AttendanceCode("M", "leave for a medical or dental appointment", _AUTH),
        AttendanceCode("J1", "leave for an interview", _AUTH, **_NEW),
        AttendanceCode("S", "study leave", _AUTH),
        AttendanceCode("X", "non-compulsory school age, not required to attend", _NOT),
        AttendanceCode("C2", "leave for a pupil on a part-time timetable", _AUTH, **_NEW),
        AttendanceCode("C", "leave of absence for exceptional circumstances", _AUTH),
        AttendanceCode("H", "holiday agreed (before 19 August 2024)", _AUTH, **_OLD),
        AttendanceCode("T", "parent travelling for occupational purposes", _AUTH),
        AttendanceCode("R", "religious observance", _AUTH),
        AttendanceCode("I", "illness", _AUTH),
        AttendanceCode("E", "suspended or permanently excluded, no alternative provision", _AUTH),
        AttendanceCode("Q", "unable to attend: lack of access arrangements", _NOT, **_NEW),
        AttendanceCode("Y1", "unable to attend: transport not available", _NOT, **_NEW),
        AttendanceCode("Y2", "unable to attend: widespread disruption to travel", _NOT, **_NEW),
        AttendanceCode("Y3", "unable to attend: part of the school closed", _NOT, **_NEW),
        AttendanceCode("Y4", "unable to attend: whole school closed unexpectedly", _NOT, **_NEW),
        AttendanceCode("Y5", "unable to attend: in criminal justice detention", _NOT, **_NEW),
        AttendanceCode("Y6", "unable to attend: public health guidance or law", _NOT, **_NEW),
        AttendanceCode("Y7", "unable to attend: any other unavoidable cause", _NOT, **_NEW),
        AttendanceCode(
            "Y", "unable to attend: exceptional circumstances (before 2024)", _NOT, **_OLD
        ),
        AttendanceCode("G", "holiday not granted by the school", _UNAUTH),
        AttendanceCode("N", "reason not yet provided", _UNAUTH),
        AttendanceCode("O", "absent in other or unknown circumstances", _UNAUTH),
        AttendanceCode("U", "arrived after the register closed", _UNAUTH),
        AttendanceCode("Z", "prospective pupil not yet on the admission register", _NOT),
        AttendanceCode("#", "planned whole or partial school closure", _NOT),
    )
}


def category_of(code: str) -> AttendanceCategory:
    return CODES[code].category


def persistent_absence(absent: int, possible: int) -> bool:
    """Missed 10% or more of their possible sessions (exactly 10% counts)."""
    return possible > 0 and absent * 10 >= possible


def severe_absence(absent: int, possible: int) -> bool:
    """Missed 50% or more of their possible sessions; always also persistent."""
    return possible > 0 and absent * 2 >= possible


@dataclass(slots=True)
class AttendanceMark:
    """The register code one pupil got for one session."""

    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    date: dt.date
    session: Session
    code: str

    @property
    def category(self) -> AttendanceCategory:
        return category_of(self.code)

    def problems(self, today: dt.date, where: str = "") -> list[Problem]:
        """A code must exist on the mark's day; only closures and the like are planned ahead."""
        known = CODES.get(self.code)
        if known is None:
            return [Problem(f"{where}code", "not a DfE attendance code", "attendance.code")]
        if not known.valid_on(self.date):
            when = "from" if known.valid_from else "until"
            limit = known.valid_from or known.valid_to
            return [
                Problem(
                    f"{where}code",
                    f"{self.code} is used {when} {limit.isoformat() if limit else ''}",
                    "attendance.code_date",
                )
            ]
        if self.date > today and known.category.possible:
            return [
                Problem(
                    f"{where}date",
                    "only sessions that are not counted (e.g. #, X) may be marked in advance",
                    "date.future",
                )
            ]
        return []


@dataclass(frozen=True, slots=True)
class MarksWritten:
    """What a batch did: new marks, changed codes, and marks already as sent."""

    received: int
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class AttendanceCounts:
    """Sessions by category for one pupil or summed over a group."""

    present: int
    approved_educational_activity: int
    authorised: int
    unauthorised: int
    not_counted: int

    @property
    def attended(self) -> int:
        return self.present + self.approved_educational_activity

    @property
    def absent(self) -> int:
        return self.authorised + self.unauthorised

    @property
    def possible(self) -> int:
        return self.attended + self.absent


@dataclass(frozen=True, slots=True)
class PupilAttendance:
    pupil_id: uuid.UUID
    school_id: uuid.UUID
    counts: AttendanceCounts

    @property
    def persistent(self) -> bool:
        return persistent_absence(self.counts.absent, self.counts.possible)

    @property
    def severe(self) -> bool:
        return severe_absence(self.counts.absent, self.counts.possible)


@dataclass(frozen=True, slots=True)
class GroupAttendance:
    """Sessions summed over a group's pupils (dimension "" is everyone), with how many of
    them are persistently and severely absent."""

    dimension: str
    value: str | None
    pupils: int
    counts: AttendanceCounts
    persistent: int
    severe: int


#: The groups attendance can be broken down by (cohort analysis's, less strand).
ATTENDANCE_DIMENSIONS = (
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
)


@dataclass(frozen=True, slots=True)
class AttendanceQuery:
    """Marks of `school_ids` dated `date_from`..`date_to`; groups as at `date_to`."""

    school_ids: tuple[uuid.UUID, ...]
    date_from: dt.date
    date_to: dt.date
    current_year_start: int
    dimensions: tuple[str, ...] = ATTENDANCE_DIMENSIONS
