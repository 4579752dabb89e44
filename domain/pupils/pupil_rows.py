"""Pupil rows from an MIS roll export: one row a pupil, with today's characteristics and the
enrolment the export shows, checked against the school's roll.

A row is matched by UPN, else by MIS id (either or both may be given). A blank cell or a
missing column leaves that field as it is. Characteristics are dated, so the import keeps
their history: a flag or code that differs from the one in force today ends the old period
yesterday and starts a new one today (on the admission date for a pupil new to Stepwise);
characteristics the row does not mention are left alone. The enrolment is matched by its
admission date: a known one gets the row's leaving date and registration, a new one is
added (an earlier enrolment still open is closed the day before). Every rule is the
domain's own (Pupil.problems), reported against the file's columns.
"""

import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date, timedelta

from domain.integration.import_fields import (
    Error,
    FirstLines,
    PupilKey,
    RecordChange,
    RowErrors,
    add_problems,
    read_date,
    read_flag,
    value_key,
)
from domain.integration.imports import RowError
from domain.pupils.pupil import (
    Characteristic,
    CharacteristicKind,
    Enrolment,
    Gender,
    NeedType,
    Pupil,
    Registration,
    SenProvision,
)
from domain.pupils.upn import normalise as normalise_upn

_IDS = ("UPN", "Unique Pupil Number")
#: field -> headings SIMS, Arbor and Bromcom exports use for it (docs/imports.md)
PUPIL_COLUMNS: dict[str, tuple[str, ...]] = {
    "upn": _IDS,
    "mis_id": ("MIS ID", "Admission No", "Adno", "Admission Number", "Pupil ID", "External ID",
               "Student ID", "Person ID", "Arbor ID", "Bromcom ID"),
    "forename": ("Forename", "Legal Forename", "First Name", "Legal First Name", "Given Name"),
    "surname": ("Surname", "Legal Surname", "Last Name", "Legal Last Name", "Family Name"),
    "date_of_birth": ("Date of Birth", "DOB", "Birth Date"),
    "gender": ("Gender", "Sex", "Legal Sex"),
    "year_group": ("Year Group", "NC Year", "National Curriculum Year", "Curriculum Year",
                   "Year", "Reg Year"),
    "pathway": ("Pathway", "Curriculum Pathway"),
    "joined_on": ("Joined On", "Date of Admission", "Admission Date", "Entry Date",
                  "Start Date", "Enrolment Date", "Date of Entry"),
    "left_on": ("Left On", "Date of Leaving", "Leaving Date", "Leave Date", "End Date"),
    "registration": ("Registration", "Enrolment Status", "Enrollment Status", "Enrol Status",
                     "Registration Status"),
    "pupil_premium": ("Pupil Premium", "PP", "Pupil Premium Indicator", "PP Eligible",
                      "Pupil Premium Eligible"),
    "fsm": ("FSM", "FSM Eligible", "Free School Meals", "FSM Eligibility", "Eligible for FSM"),
    "eal": ("EAL", "English as an Additional Language", "EAL Status"),
    "looked_after": ("Looked After", "In Care", "CLA", "LAC", "Child Looked After",
                     "Looked After Child", "Looked After Status"),
    "sen_provision": ("SEN Provision", "SEN Status", "SEN", "SEND Status", "SEN Stage",
                      "SEN Code"),
    "ehc_plan": ("EHC Plan", "EHCP", "Has EHCP", "EHC Plan Status"),
    "primary_need": ("Primary Need", "SEN Primary Need", "Primary SEN Need", "SEN Need 1",
                     "Need Type 1", "Primary SEN Type"),
    "secondary_need": ("Secondary Need", "SEN Secondary Need", "Secondary SEN Need",
                       "SEN Need 2", "Need Type 2", "Secondary SEN Type"),
}  # fmt: skip
REQUIRED_PUPIL_COLUMNS: tuple[str, ...] = ()  # upn or mis_id: checked by the import flow

#: fields a pupil new to Stepwise must have
_NEW_PUPIL_NEEDS = ("forename", "surname", "date_of_birth", "gender", "year_group", "joined_on")

_GENDERS = {"m": Gender.MALE, "male": Gender.MALE, "f": Gender.FEMALE, "female": Gender.FEMALE,
            "u": Gender.UNKNOWN, "unknown": Gender.UNKNOWN}  # fmt: skip
_PROVISIONS = {
    "e": SenProvision.EHC_PLAN, "ehc_plan": SenProvision.EHC_PLAN, "ehcp": SenProvision.EHC_PLAN,
    "education_health_and_care_plan": SenProvision.EHC_PLAN, "s": SenProvision.EHC_PLAN,
    "statement": SenProvision.EHC_PLAN, "k": SenProvision.SEN_SUPPORT,
    "sen_support": SenProvision.SEN_SUPPORT, "n": SenProvision.NO_SEN,
    "no_sen": SenProvision.NO_SEN, "none": SenProvision.NO_SEN, "no_special_educational_need":
    SenProvision.NO_SEN,
}  # fmt: skip
_FLAGS = {
    "pupil_premium": CharacteristicKind.PUPIL_PREMIUM,
    "fsm": CharacteristicKind.FSM,
    "eal": CharacteristicKind.EAL,
    "looked_after": CharacteristicKind.LOOKED_AFTER,
}
_NEED_RANKS = {"primary_need": 1, "secondary_need": 2}


def _registration(text: str) -> Registration | None:
    """C/M/S, or SIMS's "Single Registration", "Main - Dual Registration", "Subsidiary..."."""
    key = value_key(text)
    if key in ("c", "single", "single_registration", "current", "current_single"):
        return Registration.SINGLE
    if key == "m" or key.startswith("main") or key in ("dual_main", "dual_registration_main"):
        return Registration.MAIN
    if key == "s" or key.startswith("subsidiary") or key.startswith("dual_subsidiary"):
        return Registration.SUBSIDIARY
    return None


class PupilChange(RecordChange[Pupil]):
    """A checked row: the pupil as it is (None if new) and as the row makes it."""


class PupilRoster:
    """A school's pupils, that pupil rows are matched against and then kept up to date with,
    so a later line sees what an earlier one did."""

    def __init__(
        self,
        school_id: uuid.UUID,
        pupils: Iterable[Pupil],
        archived: Iterable[PupilKey],
        today: date,
        new_id: Callable[[], uuid.UUID],
    ) -> None:
        self.school_id = school_id
        self.today = today
        self.new_id = new_id
        self.by_upn: dict[str, Pupil] = {}
        self.by_mis_id: dict[str, Pupil] = {}
        for pupil in pupils:
            self._index(pupil)
        self.archived_upns = {p.upn for p in archived if p.upn}
        self.archived_mis_ids = {p.mis_id for p in archived if p.mis_id}
        self.seen = FirstLines("pupil", "upn")

    def _index(self, pupil: Pupil) -> None:
        if pupil.upn:
            self.by_upn[pupil.upn] = pupil
        if pupil.mis_id:
            self.by_mis_id[pupil.mis_id] = pupil

    def check(self, line: int, row: Mapping[str, str]) -> PupilChange | list[RowError]:
        error = RowErrors(line)
        upn = normalise_upn(row.get("upn", "")) or None
        mis_id = row.get("mis_id", "").strip() or None
        before = self._match(upn, mis_id, error)
        if error.found:
            return error.found
        after = self._pupil(before, upn, mis_id, row, error)
        if after is None or error.found:
            return error.found
        add_problems(after.problems(self.today), error, _field_of(after))
        if error.found:
            return error.found
        keys: list[tuple[str, object]] = [("pupil", before.id)] if before else []
        keys += [(name, value) for name, value in (("upn", after.upn), ("mis_id", after.mis_id))
                 if value is not None]  # fmt: skip
        for key in keys:
            if repeated := self.seen.repeated(key, line):
                return [repeated]
        if before is not None:
            self.by_upn.pop(before.upn or "", None)
            self.by_mis_id.pop(before.mis_id or "", None)
        self._index(after)
        return PupilChange(line, before, after)

    def _match(self, upn: str | None, mis_id: str | None, error: Error) -> Pupil | None:
        if upn is None and mis_id is None:
            error("upn", "give the pupil's UPN or MIS id", "required")
            return None
        by_upn = self.by_upn.get(upn) if upn else None
        by_mis_id = self.by_mis_id.get(mis_id) if mis_id else None
        if by_upn and by_mis_id and by_upn.id != by_mis_id.id:
            error("mis_id", f"MIS id {mis_id!r} is another pupil's (not UPN {upn})", "conflict")
            return None
        found = by_upn or by_mis_id
        if found is None and (upn in self.archived_upns or mis_id in self.archived_mis_ids):
            field = "upn" if upn in self.archived_upns else "mis_id"
            error(field, "an archived pupil has this identifier: restore them first", "archived")
        return found

    def _pupil(
        self,
        before: Pupil | None,
        upn: str | None,
        mis_id: str | None,
        row: Mapping[str, str],
        error: RowErrors,
    ) -> Pupil | None:
        text = {name: row.get(name, "").strip() for name in PUPIL_COLUMNS}
        if before is None:
            for name in _NEW_PUPIL_NEEDS:
                if not text[name]:
                    error(name, f"a pupil new to Stepwise needs {name}", "required")
        born = read_date(row, "date_of_birth", error)
        gender = _GENDERS.get(text["gender"].lower()) if text["gender"] else None
        if text["gender"] and gender is None:
            error("gender", f"{text['gender']!r} is not M, F or U", "one_of")
        joined = read_date(row, "joined_on", error)
        left = read_date(row, "left_on", error)
        registration = _registration(text["registration"]) if text["registration"] else None
        if text["registration"] and registration is None:
            error("registration", f"{text['registration']!r} is not C, M or S", "one_of")
        _Characteristics.check_cells(row, error)
        if error.found:
            return None
        year_group = re.sub(r"^(year|yr|y)\s*", "", text["year_group"], flags=re.IGNORECASE)
        if before is None:
            if born is None or gender is None or joined is None:
                return None  # reported above as required
            pupil = Pupil(
                id=self.new_id(),
                school_id=self.school_id,
                forename=text["forename"],
                surname=text["surname"],
                date_of_birth=born,
                gender=gender,
                year_group=year_group,
                upn=upn,
                mis_id=mis_id,
                pathway=text["pathway"] or None,
                enrolments=[Enrolment(joined, left, registration or Registration.SINGLE)],
            )
            start = joined
        else:
            pupil = replace(
                before,
                forename=text["forename"] or before.forename,
                surname=text["surname"] or before.surname,
                date_of_birth=born or before.date_of_birth,
                gender=gender or before.gender,
                year_group=year_group or before.year_group,
                upn=upn or before.upn,
                mis_id=mis_id or before.mis_id,
                pathway=text["pathway"] or before.pathway,
                characteristics=list(before.characteristics),
                enrolments=_enrolments(before.enrolments, joined, row, left, registration),
                version=before.version + 1,
            )
            start = self.today
        _Characteristics(pupil, start, self.today).apply(row)
        return pupil


def _enrolments(
    enrolments: list[Enrolment],
    joined: date | None,
    row: Mapping[str, str],
    left: date | None,
    registration: Registration | None,
) -> list[Enrolment]:
    """The pupil's enrolments with the row's one matched by admission date (or, with no
    admission date, the latest), or added after closing an earlier open one."""
    result = list(enrolments)
    gives_left = "left_on" in row
    if joined is None and result:
        joined = max(e.joined_on for e in result)
    if joined is None:
        return result
    for i, e in enumerate(result):
        if e.joined_on == joined:
            result[i] = Enrolment(
                joined, left if gives_left else e.left_on, registration or e.registration
            )
            return result
    for i, e in enumerate(result):
        if e.left_on is None and e.joined_on < joined:
            result[i] = replace(e, left_on=joined - timedelta(days=1))
    return [*result, Enrolment(joined, left, registration or Registration.SINGLE)]


class _Characteristics:
    """A row's flags, provision and needs, applied as dated periods."""

    def __init__(self, pupil: Pupil, start: date, today: date) -> None:
        self.pupil = pupil
        self.start = start
        self.today = today

    @staticmethod
    def check_cells(row: Mapping[str, str], error: Error) -> None:
        """Report unreadable flags and codes (apply then reads only good cells)."""
        for name in (*_FLAGS, "ehc_plan"):
            read_flag(row, name, error)
        text = row.get("sen_provision", "").strip()
        if text and value_key(text) not in _PROVISIONS:
            error("sen_provision", f"{text!r} is not E, K or N", "sen")
        provision = _PROVISIONS.get(value_key(text)) if text else None
        ehc_plan = read_flag(row, "ehc_plan", lambda *_: None)
        if ehc_plan and provision not in (None, SenProvision.EHC_PLAN):
            error("ehc_plan", "an EHC plan means SEN provision E", "conflict")
        if ehc_plan is False and provision is SenProvision.EHC_PLAN:
            error("ehc_plan", "SEN provision E means an EHC plan", "conflict")
        for name in _NEED_RANKS:
            code = row.get(name, "").strip().upper()
            if code and code not in NeedType.__members__:
                error(name, f"{code!r} is not a census SEN need type code", "sen.need")

    def apply(self, row: Mapping[str, str]) -> None:
        """Apply the cells check_cells found good (the rest it reported)."""
        for name, kind in _FLAGS.items():
            wanted = read_flag(row, name, lambda *_: None)
            if wanted is not None:
                self._flag(kind, wanted)
        provision = self._provision(row)
        if provision is not None:
            self._set(CharacteristicKind.SEN_PROVISION, provision.value, None)
            if provision is SenProvision.NO_SEN:
                for rank in _NEED_RANKS.values():
                    self._set(CharacteristicKind.SEN_NEED, None, rank)
        for name, rank in _NEED_RANKS.items():
            text = row.get(name, "").strip().upper()
            if not text:
                continue
            if text not in NeedType.__members__:
                continue
            self._set(CharacteristicKind.SEN_NEED, text, rank)

    def _provision(self, row: Mapping[str, str]) -> SenProvision | None:
        """SEN provision from its column, or from the EHC plan yes/no (N ends an E)."""
        text = row.get("sen_provision", "").strip()
        provision = _PROVISIONS.get(value_key(text)) if text else None
        ehc_plan = read_flag(row, "ehc_plan", lambda *_: None)
        if ehc_plan is None:
            return provision
        if ehc_plan:
            return SenProvision.EHC_PLAN
        if provision is None and self.pupil.sen_provision_on(self.today) is SenProvision.EHC_PLAN:
            return SenProvision.NO_SEN
        return provision

    def _active(self, kind: CharacteristicKind, rank: int | None) -> list[Characteristic]:
        return [
            c
            for c in self.pupil.characteristics
            if c.kind is kind and c.rank == rank and c.active_on(self.today)
        ]

    def _flag(self, kind: CharacteristicKind, wanted: bool) -> None:
        active = self._active(kind, None)
        if wanted and not active:
            self.pupil.characteristics.append(Characteristic(kind, self.start))
        elif not wanted:
            self._end(active)

    def _set(self, kind: CharacteristicKind, value: str | None, rank: int | None) -> None:
        """`value` in force from today (None: nothing, as for no SEN)."""
        active = self._active(kind, rank)
        current = active[0].value if active else None
        if kind is CharacteristicKind.SEN_PROVISION and current is None:
            current = SenProvision.NO_SEN.value
        if current == value or (value == SenProvision.NO_SEN.value and not active):
            return
        self._end(active)
        if value is not None and value != SenProvision.NO_SEN.value:
            self.pupil.characteristics.append(Characteristic(kind, self.start, None, value, rank))

    def _end(self, active: list[Characteristic]) -> None:
        """End periods yesterday; one that began today was a mistake, and goes."""
        chars = self.pupil.characteristics
        for c in active:
            i = chars.index(c)
            if c.start_on >= self.today:
                del chars[i]
            else:
                chars[i] = replace(c, end_on=self.today - timedelta(days=1))


def _field_of(pupil: Pupil) -> Callable[[str], str]:
    """The file's column for a field Pupil.problems names ("characteristics[2].rank"...)."""

    def field_of(name: str) -> str:
        if found := re.match(r"characteristics\[(\d+)\]", name):
            c = pupil.characteristics[int(found.group(1))]
            if c.kind is CharacteristicKind.SEN_NEED:
                return "secondary_need" if c.rank == 2 else "primary_need"
            return c.kind.value
        if name.startswith("enrolments"):
            return "left_on" if name.endswith("left_on") else "joined_on"
        return name

    return field_of
