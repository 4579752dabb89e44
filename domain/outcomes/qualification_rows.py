"""Qualification rows from an exams or MIS export: one entry a pupil, awarding body, title and
level (a resit updates it), checked by the domain's own rules (QualificationEntry.problems).
A missing column keeps what is stored; for a new entry the kind is read from the title when
not given, and the status is completed when a result is given, else entered."""

import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import TypeVar

from domain.integration.import_fields import (
    FirstLines,
    PupilIndex,
    PupilKey,
    RecordChange,
    RowErrors,
    add_problems,
    read_date,
    value_key,
)
from domain.integration.imports import RowError
from domain.outcomes.qualification import (
    EntryStatus,
    QualificationEntry,
    QualificationKind,
    QualificationLevel,
)

#: field -> other headings exams exports use for it (docs/imports.md)
QUALIFICATION_COLUMNS: dict[str, tuple[str, ...]] = {
    "upn": ("UPN", "Unique Pupil Number"),
    "mis_id": ("MIS ID", "Admission No", "Adno", "Admission Number", "Pupil ID", "External ID"),
    "awarding_body": ("Awarding Body", "Board", "Exam Board", "Awarding Organisation"),
    "title": ("Title", "Qualification", "Qualification Title", "Course", "Award"),
    "subject": ("Subject",),
    "level": ("Level", "Qualification Level"),
    "kind": ("Kind", "Qualification Type", "Type"),
    "status": ("Status", "Entry Status"),
    "result": ("Result", "Grade"),
    "awarded_on": ("Awarded On", "Award Date", "Date Awarded", "Result Date"),
}
REQUIRED_QUALIFICATION_COLUMNS = ("awarding_body", "title", "level")

_L = QualificationLevel
#: level names and the short forms exports use ("E3", "Entry Level 3", "L1")
LEVELS: dict[str, QualificationLevel] = {
    **{level.value: level for level in QualificationLevel},
    "pre_entry_level": _L.PRE_ENTRY, "entry_level_1": _L.ENTRY_1, "entry_level_2": _L.ENTRY_2,
    "entry_level_3": _L.ENTRY_3, "e1": _L.ENTRY_1, "e2": _L.ENTRY_2, "e3": _L.ENTRY_3,
    "l1": _L.LEVEL_1, "l2": _L.LEVEL_2, "l3": _L.LEVEL_3, "1": _L.LEVEL_1, "2": _L.LEVEL_2,
    "3": _L.LEVEL_3,
}  # fmt: skip
#: a new entry's kind when the file gives none, from words in its title
_KIND_WORDS = (
    (re.compile(r"functional skills", re.IGNORECASE), QualificationKind.FUNCTIONAL_SKILLS),
    (re.compile(r"\bgcse\b", re.IGNORECASE), QualificationKind.GCSE),
    (re.compile(r"\basdan\b", re.IGNORECASE), QualificationKind.ASDAN),
    (re.compile(r"arts award", re.IGNORECASE), QualificationKind.ARTS_AWARD),
)


def kind_from_title(title: str) -> QualificationKind:
    found = (kind for words, kind in _KIND_WORDS if words.search(title))
    return next(found, QualificationKind.OTHER)


class EntryChange(RecordChange[QualificationEntry]):
    """A checked row: the entry as stored (None if new) and as the row makes it."""


def _entry_key(pupil_id: uuid.UUID, awarding_body: str, title: str, level: str) -> tuple[str, ...]:
    return (str(pupil_id), awarding_body.strip().lower(), title.strip().lower(), level)


class QualificationCatalogue:
    """A school's pupils (results arrive after leaving) and the entries already kept."""

    def __init__(
        self,
        school_id: uuid.UUID,
        keys: Iterable[PupilKey],
        entries: Iterable[QualificationEntry],
        today: date,
        new_id: Callable[[], uuid.UUID],
    ) -> None:
        self.school_id = school_id
        self.index = PupilIndex(keys, include_archived=True)
        self.stored: dict[tuple[str, ...], list[QualificationEntry]] = {}
        for e in entries:
            key = _entry_key(e.pupil_id, e.awarding_body, e.title, e.level.value)
            self.stored.setdefault(key, []).append(e)
        self.today = today
        self.new_id = new_id
        self.seen = FirstLines("pupil, awarding body, title and level", "title")

    def check(self, line: int, row: Mapping[str, str]) -> EntryChange | list[RowError]:
        error = RowErrors(line)
        pupil_id = self.index.find(row, error)
        body, title = row.get("awarding_body", "").strip(), row.get("title", "").strip()
        level_text = row.get("level", "").strip()
        level = LEVELS.get(value_key(level_text).replace("entry_level_", "entry_"))
        if level is None:
            reason = f"{level_text!r} is not a level (Pre-entry, Entry 1-3, Level 1-3)"
            error("level", reason, "one_of")
        kind = _choice(row, "kind", {k.value: k for k in QualificationKind}, error)
        status = _choice(row, "status", {s.value: s for s in EntryStatus}, error)
        awarded_on = read_date(row, "awarded_on", error)
        if error.found or pupil_id is None or level is None:
            return error.found
        key = _entry_key(pupil_id, body, title, level.value)
        matches = self.stored.get(key, [])
        if len(matches) > 1:
            error("title", "several entries of this pupil match: correct them by id", "ambiguous")
            return error.found
        before = matches[0] if matches else None
        gives_result = "result" in row
        result = (row["result"].strip() or None) if gives_result else None
        after = QualificationEntry(
            id=before.id if before else self.new_id(),
            school_id=self.school_id,
            pupil_id=pupil_id,
            awarding_body=body,
            title=title,
            level=level,
            kind=kind or (before.kind if before else kind_from_title(title)),
            subject=row["subject"].strip() if "subject" in row else _kept_subject(before),
            status=status or _default_status(before, result),
            result=result if gives_result else (before.result if before else None),
            awarded_on=awarded_on
            if "awarded_on" in row
            else (before.awarded_on if before else None),
            version=before.version + 1 if before else 1,
        )
        add_problems(after.problems(self.today), error, lambda field: field)
        if error.found:
            return error.found
        if repeated := self.seen.repeated(key, line):
            return [repeated]
        self.stored[key] = [after]
        return EntryChange(line, before, after)


T = TypeVar("T")


def _choice(
    row: Mapping[str, str], field: str, values: Mapping[str, T], error: RowErrors
) -> T | None:
    text = row.get(field, "").strip()
    if not text:
        return None
    found = values.get(value_key(text))
    if found is None:
        error(field, f"{text!r} is not one of {', '.join(values)}", "one_of")
    return found


def _kept_subject(before: QualificationEntry | None) -> str:
    return before.subject if before else ""


def _default_status(before: QualificationEntry | None, result: str | None) -> EntryStatus:
    if before is not None:
        return EntryStatus.COMPLETED if result is not None else before.status
    return EntryStatus.COMPLETED if result is not None else EntryStatus.ENTERED
