"""Use cases for qualification entries and their pass rates."""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Protocol

from domain.analytics.ports import HasProgress, HasQuality
from domain.analytics.progress_service import analysis_schools, percent
from domain.analytics.suppression import withheld
from domain.assessment.ports import HasFrameworks, HasModules
from domain.kernel.access import Permission, Principal
from domain.kernel.calendar import AcademicYear
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import InvariantViolation, Problem
from domain.kernel.ids import new_id
from domain.kernel.paging import Page, PageRequest
from domain.kernel.references import check_version, found
from domain.kernel.transaction import Transaction
from domain.kernel.unset import UNSET, Unset, given
from domain.organisation.ports import HasSchools
from domain.outcomes.ports import HasQualifications, HasSummaries, QualificationFilter
from domain.outcomes.qualification import (
    LEVEL_ORDER,
    PASS_RATE_GROUPS,
    EntryStatus,
    PassCounts,
    PassRateQuery,
    QualificationEntry,
    QualificationKind,
    QualificationLevel,
)
from domain.pupils.ports import HasPupils
from domain.pupils.references import referenced_pupil, require_filter_scope


class QualificationWork(
    HasFrameworks,
    HasModules,
    HasProgress,
    HasPupils,
    HasQualifications,
    HasQuality,
    HasSchools,
    HasSummaries,
    Transaction,
    Protocol,
):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class RecordEntry:
    pupil_id: uuid.UUID
    awarding_body: str
    title: str
    level: QualificationLevel
    kind: QualificationKind
    subject: str = ""
    status: EntryStatus = EntryStatus.ENTERED
    result: str | None = None
    awarded_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class UpdateEntry:
    entry_id: uuid.UUID
    expected_version: int | None
    awarding_body: str | Unset = UNSET
    title: str | Unset = UNSET
    level: QualificationLevel | Unset = UNSET
    kind: QualificationKind | Unset = UNSET
    subject: str | Unset = UNSET
    status: EntryStatus | Unset = UNSET
    result: str | Unset | None = UNSET
    awarded_on: dt.date | Unset | None = UNSET


async def record_entry(
    uow: QualificationWork, actor: Principal, cmd: RecordEntry, clock: Clock = SYSTEM_CLOCK
) -> QualificationEntry:
    """Results are assessment: teachers, exams officers and MIS syncs record them."""
    actor.require(Permission.WRITE_ASSESSMENT)
    async with uow:
        # results often arrive after the pupil has left and been archived
        pupil = await referenced_pupil(uow, cmd.pupil_id, actor, include_archived=True)
        actor.require(Permission.WRITE_ASSESSMENT, pupil.school_id)
        entry = QualificationEntry(
            id=new_id(),
            school_id=pupil.school_id,
            pupil_id=pupil.id,
            awarding_body=cmd.awarding_body.strip(),
            title=cmd.title.strip(),
            level=cmd.level,
            kind=cmd.kind,
            subject=cmd.subject.strip(),
            status=cmd.status,
            result=cmd.result.strip() if cmd.result is not None else None,
            awarded_on=cmd.awarded_on,
        )
        if problems := entry.problems(clock.today()):
            raise InvariantViolation(problems)
        await uow.qualifications.add(entry)
        await uow.commit()
    return entry


async def update_entry(
    uow: QualificationWork, actor: Principal, cmd: UpdateEntry, clock: Clock = SYSTEM_CLOCK
) -> QualificationEntry:
    async with uow:
        entry = found(await uow.qualifications.get(cmd.entry_id), "qualification", cmd.entry_id)
        actor.require(Permission.WRITE_ASSESSMENT, entry.school_id)
        check_version("qualification", entry.version, cmd.expected_version)
        previous = entry.version
        entry.awarding_body = given(cmd.awarding_body, entry.awarding_body).strip()
        entry.title = given(cmd.title, entry.title).strip()
        entry.level = given(cmd.level, entry.level)
        entry.kind = given(cmd.kind, entry.kind)
        entry.subject = given(cmd.subject, entry.subject).strip()
        entry.status = given(cmd.status, entry.status)
        result = given(cmd.result, entry.result)
        entry.result = result.strip() if result is not None else None
        entry.awarded_on = given(cmd.awarded_on, entry.awarded_on)
        entry.version += 1
        if problems := entry.problems(clock.today()):
            raise InvariantViolation(problems)
        await uow.qualifications.update(entry, previous)
        await uow.commit()
    return entry


async def delete_entry(
    uow: QualificationWork, actor: Principal, entry_id: uuid.UUID, expected_version: int | None
) -> None:
    async with uow:
        entry = found(await uow.qualifications.get(entry_id), "qualification", entry_id)
        actor.require(Permission.WRITE_ASSESSMENT, entry.school_id)
        check_version("qualification", entry.version, expected_version)
        await uow.qualifications.delete(entry)
        await uow.commit()


async def get_entry(
    uow: QualificationWork, actor: Principal, entry_id: uuid.UUID
) -> QualificationEntry:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return found(await uow.qualifications.get(entry_id), "qualification", entry_id)


async def list_entries(
    uow: QualificationWork, actor: Principal, filter: QualificationFilter, page: PageRequest
) -> Page[QualificationEntry]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        await require_filter_scope(uow, actor, school_id=filter.school_id, pupil_id=filter.pupil_id)
        return await uow.qualifications.matching(filter, page)


# --- pass rates ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PassRateRequest:
    school_id: uuid.UUID | None = None
    trust_id: uuid.UUID | None = None
    academic_year: str | None = None  # entries awarded in it; default every year
    group_by: str | None = None
    min_level: QualificationLevel | None = None
    max_level: QualificationLevel | None = None
    decimals: int = 0
    min_group_size: int = 0


@dataclass(frozen=True, slots=True)
class PassRate:
    """Completed and passed entries of everyone (value None) or one group; the counts and
    rate are None when the group is withheld as too small (fewer pupils than asked)."""

    value: str | None
    completed: int | None
    passed: int | None
    pupils: int | None
    pass_rate: float | None
    suppressed: bool


@dataclass(frozen=True, slots=True)
class PassRateReport:
    school_ids: list[uuid.UUID]
    academic_year: str | None
    group_by: str | None
    overall: PassRate
    groups: list[PassRate]


def _checked(request: PassRateRequest) -> AcademicYear | None:
    problems = []
    if request.group_by is not None and request.group_by not in PASS_RATE_GROUPS:
        problems.append(Problem("group_by", f"one of {', '.join(PASS_RATE_GROUPS)}", "dimension"))
    if not 0 <= request.decimals <= 2:
        problems.append(Problem("decimals", "0, 1 or 2", "range"))
    if request.min_group_size < 0:
        problems.append(Problem("min_group_size", "must not be negative", "range"))
    low, high = request.min_level, request.max_level
    if low is not None and high is not None and high.rank < low.rank:
        problems.append(Problem("max_level", "is below min_level", "range"))
    if problems:
        raise InvariantViolation(problems)
    return AcademicYear.parse(request.academic_year) if request.academic_year else None


def _rate(row: PassCounts, hidden: bool, decimals: int) -> PassRate:
    if hidden:
        return PassRate(row.value, None, None, None, None, True)
    rate = percent(row.passed, row.completed, decimals) if row.completed else None
    return PassRate(row.value, row.completed, row.passed, row.pupils, rate, False)


async def pass_rates(
    uow: QualificationWork, actor: Principal, request: PassRateRequest
) -> PassRateReport:
    """Passed / completed entries overall and per level, subject, awarding body or kind."""
    year = _checked(request)
    async with uow:
        schools = await analysis_schools(uow, actor, request.school_id, request.trust_id)
        rows = await uow.summaries.pass_rates(
            PassRateQuery(
                school_ids=tuple(schools),
                group_by=request.group_by,
                awarded_from=year.starts_on if year else None,
                awarded_to=year.ends_on if year else None,
                min_level=request.min_level,
                max_level=request.max_level,
            )
        )
    empty = PassCounts(None, True, 0, 0, 0)
    whole = next((r for r in rows if r.total), empty)
    parts = [r for r in rows if not r.total]
    if request.group_by == "level":
        parts.sort(key=lambda r: LEVEL_ORDER.index(QualificationLevel(r.value or "")))
    else:
        parts.sort(key=lambda r: (r.value or "").lower())
    hidden = withheld(
        [("", None, whole.pupils), *((request.group_by or "", r.value, r.pupils) for r in parts)],
        request.min_group_size,
    )
    group = request.group_by or ""
    return PassRateReport(
        school_ids=schools,
        academic_year=year.label if year else None,
        group_by=request.group_by,
        overall=_rate(whole, ("", None) in hidden, request.decimals),
        groups=[_rate(r, (group, r.value) in hidden, request.decimals) for r in parts],
    )
