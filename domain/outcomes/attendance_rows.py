"""Attendance rows from an MIS register export: one row a pupil, date and session (AM/PM)
with its DfE code, checked by the domain's own rule for marks (AttendanceMark.problems)."""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from domain.integration.import_fields import (
    PupilIndex,
    PupilKey,
    RowErrors,
    add_problems,
    read_date,
)
from domain.integration.imports import RowError
from domain.outcomes.attendance import AttendanceMark, Session

#: field -> other headings register exports use for it (docs/imports.md)
ATTENDANCE_COLUMNS: dict[str, tuple[str, ...]] = {
    "upn": ("UPN", "Unique Pupil Number"),
    "mis_id": ("MIS ID", "Admission No", "Adno", "Admission Number", "Pupil ID", "External ID"),
    "date": ("Date", "Session Date", "Attendance Date", "Mark Date", "Register Date"),
    "session": ("Session", "AM/PM", "AM PM", "Period", "Register Session"),
    "code": ("Code", "Mark", "Attendance Code", "Attendance Mark", "Register Code"),
}
REQUIRED_ATTENDANCE_COLUMNS = ("date", "session", "code")

_SESSIONS = {"am": Session.AM, "a_m": Session.AM, "morning": Session.AM,
             "pm": Session.PM, "p_m": Session.PM, "afternoon": Session.PM}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ImportedMark:
    line: int
    pupil_id: uuid.UUID
    date: date
    session: Session
    code: str


class AttendanceCatalogue:
    """A school's pupils, archived ones too: leavers' last registers arrive late."""

    def __init__(self, school_id: uuid.UUID, pupils: Iterable[PupilKey], today: date) -> None:
        self.school_id = school_id
        self.pupils = PupilIndex(pupils, include_archived=True)
        self.today = today

    def check(self, line: int, row: Mapping[str, str]) -> ImportedMark | list[RowError]:
        error = RowErrors(line)
        pupil_id = self.pupils.find(row, error)
        day = read_date(row, "date", error)
        if not row.get("date", "").strip():
            error("date", "give the session's date", "required")
        session_text = row.get("session", "").strip()
        session = _SESSIONS.get(session_text.lower().replace(".", "_").strip("_"))
        if session is None:
            error("session", f"{session_text!r} is not AM or PM", "one_of")
        code = row.get("code", "").strip().upper()
        if error.found or pupil_id is None or day is None or session is None:
            return error.found
        mark = AttendanceMark(uuid.UUID(int=0), self.school_id, pupil_id, day, session, code)
        add_problems(mark.problems(self.today), error, lambda field: field)
        if error.found:
            return error.found
        return ImportedMark(line, pupil_id, day, session, code)
