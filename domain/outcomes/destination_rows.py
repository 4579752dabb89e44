"""Destination rows from a leavers' export: one row a pupil and leaving date, checked by the
domain's own rules (Destination.problems). A missing column keeps what is stored; a blank
provider or sustained cell means none / not yet checked."""

import uuid
from collections.abc import Callable, Iterable, Mapping

from domain.integration.import_fields import (
    FirstLines,
    PupilIndex,
    PupilKey,
    RecordChange,
    RowErrors,
    add_problems,
    read_date,
    read_flag,
    value_key,
)
from domain.integration.imports import RowError
from domain.outcomes.destination import Destination, DestinationCategory
from domain.pupils.pupil import Pupil

#: field -> other headings leavers' exports use for it (docs/imports.md)
DESTINATION_COLUMNS: dict[str, tuple[str, ...]] = {
    "upn": ("UPN", "Unique Pupil Number"),
    "mis_id": ("MIS ID", "Admission No", "Adno", "Admission Number", "Pupil ID", "External ID"),
    "left_on": ("Left On", "Date of Leaving", "Leaving Date", "Leave Date", "End Date"),
    "category": ("Category", "Destination", "Destination Category", "Destination Type"),
    "year_group_at_leaving": ("Year Group at Leaving", "Leaving Year Group", "NC Year at Leaving"),
    "provider": ("Provider", "Destination Provider", "Institution", "Employer", "College"),
    "sustained": ("Sustained", "Sustained Destination", "Destination Sustained"),
}
REQUIRED_DESTINATION_COLUMNS = ("left_on", "category")

_C = DestinationCategory
#: the categories' own names, and the words exports use for them
CATEGORIES: dict[str, DestinationCategory] = {
    **{c.value: c for c in DestinationCategory},
    "school_sixth_form": _C.SIXTH_FORM, "sixth_form_college": _C.SIXTH_FORM,
    "further_education": _C.FE_COLLEGE, "fe": _C.FE_COLLEGE, "college": _C.FE_COLLEGE,
    "isc": _C.INDEPENDENT_SPECIALIST_COLLEGE,
    "specialist_college": _C.INDEPENDENT_SPECIALIST_COLLEGE,
    "employed": _C.EMPLOYMENT, "apprentice": _C.APPRENTICESHIP,
    "social_care": _C.SOCIAL_CARE_PROVISION,
    "not_in_education_employment_or_training": _C.NEET, "not_known": _C.UNKNOWN,
}  # fmt: skip


class DestinationChange(RecordChange[Destination]):
    """A checked row: the leaver's destination as stored (None if new) and as the row makes it."""


class DestinationCatalogue:
    """A school's pupils (leavers are often archived) and the destinations already kept."""

    def __init__(
        self,
        school_id: uuid.UUID,
        keys: Iterable[PupilKey],
        pupils: Iterable[Pupil],
        destinations: Iterable[Destination],
        new_id: Callable[[], uuid.UUID],
    ) -> None:
        self.school_id = school_id
        self.index = PupilIndex(keys, include_archived=True)
        self.pupils = {p.id: p for p in pupils}
        self.stored = {(d.pupil_id, d.left_on): d for d in destinations}
        self.new_id = new_id
        self.seen = FirstLines("pupil and leaving date", "left_on")

    def check(self, line: int, row: Mapping[str, str]) -> DestinationChange | list[RowError]:
        error = RowErrors(line)
        pupil_id = self.index.find(row, error)
        left_on = read_date(row, "left_on", error)
        if not row.get("left_on", "").strip():
            error("left_on", "give the leaving date", "required")
        text = row.get("category", "").strip()
        category = CATEGORIES.get(value_key(text))
        if category is None:
            error("category", f"{text!r} is not a destination category", "one_of")
        sustained = read_flag(row, "sustained", error)
        pupil = self.pupils.get(pupil_id) if pupil_id else None
        if error.found or pupil is None or left_on is None or category is None:
            return error.found
        before = self.stored.get((pupil.id, left_on))
        after = Destination(
            id=before.id if before else self.new_id(),
            school_id=self.school_id,
            pupil_id=pupil.id,
            left_on=left_on,
            year_group_at_leaving=row.get("year_group_at_leaving", "").strip()
            or (before.year_group_at_leaving if before else pupil.year_group),
            category=category,
            provider=row["provider"].strip() if "provider" in row else _kept(before),
            sustained=sustained if "sustained" in row else (before.sustained if before else None),
            version=before.version + 1 if before else 1,
        )
        add_problems(after.problems(pupil.first_joined_on), error, lambda field: field)
        if error.found:
            return error.found
        if repeated := self.seen.repeated((pupil.id, left_on), line):
            return [repeated]
        self.stored[(pupil.id, left_on)] = after
        return DestinationChange(line, before, after)


def _kept(before: Destination | None) -> str:
    return before.provider if before else ""
