"""Use cases for KS4 measure definitions and their results for a leaving year.

A result is n (the leavers), the numerator (those the measure counts) and the percentage
rounded half-up, for everyone and for each subgroup the measure names, with small groups
withheld when the caller asks for a minimum group size (a "public" profile uses 5).
"""

import uuid
from dataclasses import dataclass
from typing import Protocol

from domain.analytics.ports import HasProgress, HasQuality
from domain.analytics.progress_service import analysis_schools, percent
from domain.analytics.suppression import withheld
from domain.assessment.ports import HasFrameworks, HasModules
from domain.kernel.access import Permission, Principal
from domain.kernel.calendar import AcademicYear
from domain.kernel.errors import Conflict, InvariantViolation, Problem, invalid
from domain.kernel.ids import new_id
from domain.kernel.paging import Page, PageRequest
from domain.kernel.references import found
from domain.kernel.transaction import Transaction
from domain.organisation.ports import HasSchools, HasTrusts
from domain.outcomes.measure import (
    MeasureCounts,
    MeasureDefinition,
    MeasureQuery,
    MeasureRule,
    Subgroup,
)
from domain.outcomes.ports import HasMeasures, HasSummaries, MeasureFilter
from domain.outcomes.qualification import QualificationLevel
from domain.pupils.ports import HasPupils
from domain.pupils.references import require_filter_scope


class MeasureWork(
    HasFrameworks,
    HasMeasures,
    HasModules,
    HasProgress,
    HasPupils,
    HasQuality,
    HasSchools,
    HasSummaries,
    HasTrusts,
    Transaction,
    Protocol,
):
    """What these use cases need of the unit of work."""


#: How many measures an exclusion chain may pass through (Premier <- Preliminary <- ...).
MAX_CHAIN = 10


@dataclass(frozen=True, slots=True)
class CreateMeasure:
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


def _require_owner(actor: Principal, measure: MeasureDefinition) -> None:
    """Trust measures are set by trust admins, school measures by school admins."""
    if measure.trust_id is not None:
        actor.require_trust(Permission.MANAGE_TRUST, measure.trust_id)
    elif measure.school_id is not None:
        actor.require(Permission.MANAGE_SCHOOL, measure.school_id)


async def _check_excluded(uow: MeasureWork, measure: MeasureDefinition) -> None:
    """The excluded measure must apply to the same schools and the same leavers."""
    if measure.excluding_id is None:
        return
    excluded = await uow.measures.get(measure.excluding_id)
    if excluded is None:
        raise invalid("excluding_id", "no such measure", "reference")
    if measure.school_id is not None:
        school = found(await uow.schools.get(measure.school_id), "school", measure.school_id)
        usable = excluded.usable_by(school.id, school.trust_id)
    else:
        usable = excluded.trust_id is not None and excluded.trust_id == measure.trust_id
    if not usable:
        raise invalid(
            "excluding_id", "the measure belongs to another school or trust", "measure.owner"
        )
    same_cohort = (excluded.year_group_at_leaving, excluded.programme_years) == (
        measure.year_group_at_leaving,
        measure.programme_years,
    )
    if not same_cohort:
        raise invalid(
            "excluding_id",
            "must be about the same leavers: the same year group at leaving and programme years",
            "measure.cohort",
        )


async def create_measure(
    uow: MeasureWork, actor: Principal, cmd: CreateMeasure
) -> MeasureDefinition:
    measure = MeasureDefinition(
        id=new_id(),
        name=cmd.name.strip(),
        year_group_at_leaving=cmd.year_group_at_leaving,
        min_qualifications=cmd.min_qualifications,
        min_level=cmd.min_level,
        min_terms_on_programme=cmd.min_terms_on_programme,
        programme_years=cmd.programme_years,
        require_english_and_maths=cmd.require_english_and_maths,
        excluding_id=cmd.excluding_id,
        subgroups=cmd.subgroups,
        description=cmd.description.strip(),
        trust_id=cmd.trust_id,
        school_id=cmd.school_id,
    )
    if problems := measure.problems():
        raise InvariantViolation(problems)
    _require_owner(actor, measure)
    async with uow:
        if cmd.school_id is not None:
            found(await uow.schools.get(cmd.school_id), "school", cmd.school_id)
        if cmd.trust_id is not None:
            found(await uow.trusts.get(cmd.trust_id), "trust", cmd.trust_id)
        await _check_excluded(uow, measure)
        await uow.measures.add(measure)
        await uow.commit()
    return measure


async def get_measure(
    uow: MeasureWork, actor: Principal, measure_id: uuid.UUID
) -> MeasureDefinition:
    actor.require(Permission.READ_ANALYTICS)
    async with uow:
        return found(await uow.measures.get(measure_id), "measure", measure_id)


async def list_measures(
    uow: MeasureWork, actor: Principal, filter: MeasureFilter, page: PageRequest
) -> Page[MeasureDefinition]:
    actor.require(Permission.READ_ANALYTICS)
    async with uow:
        await require_filter_scope(uow, actor, school_id=filter.school_id, trust_id=filter.trust_id)
        return await uow.measures.matching(filter, page)


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    """n, numerator and percentage for everyone (dimension "") or one subgroup value; all
    None when withheld as a small group."""

    dimension: str
    value: str | None
    leavers: int | None
    counted: int | None
    percentage: float | None
    suppressed: bool


@dataclass(frozen=True, slots=True)
class MeasureResult:
    measure: MeasureDefinition
    academic_year: str
    school_ids: list[uuid.UUID]
    cohort: Figure
    qualifying: int | None  # met the rule before the excluded measure took its pupils
    excluding: MeasureDefinition | None
    subgroups: list[Figure]


@dataclass(frozen=True, slots=True)
class ResultRequest:
    measure_id: uuid.UUID
    academic_year: str  # the leaving year
    school_id: uuid.UUID | None = None  # one school of a trust measure
    decimals: int = 0
    min_group_size: int = 0


async def _chain(uow: MeasureWork, measure: MeasureDefinition) -> list[MeasureDefinition]:
    """The measure, the one it excludes, the one that excludes, ...: nearest first."""
    chain = [measure]
    while (next_id := chain[-1].excluding_id) is not None:
        excluded = await uow.measures.get(next_id)
        if excluded is None or excluded in chain or len(chain) >= MAX_CHAIN:
            raise Conflict(f"{measure.name} excludes a measure that cannot be evaluated")
        chain.append(excluded)
    return chain


async def _schools(
    uow: MeasureWork, actor: Principal, measure: MeasureDefinition, school_id: uuid.UUID | None
) -> list[uuid.UUID]:
    """A school measure covers its school; a trust measure the trust's schools the caller
    sees, or the one school asked for."""
    if measure.school_id is not None:
        if school_id is not None and school_id != measure.school_id:
            raise invalid("school_id", "the measure belongs to another school", "measure.owner")
        return await analysis_schools(uow, actor, measure.school_id, None)
    if school_id is None:
        return await analysis_schools(uow, actor, None, measure.trust_id)
    schools = await analysis_schools(uow, actor, school_id, None)
    school = found(await uow.schools.get(school_id), "school", school_id)
    if school.trust_id != measure.trust_id:
        raise invalid("school_id", "not a school of the measure's trust", "measure.owner")
    return schools


def _figure(row: MeasureCounts, hidden: bool, decimals: int) -> Figure:
    if hidden:
        return Figure(row.dimension, row.value, None, None, None, True)
    shown = percent(row.counted, row.leavers, decimals) if row.leavers else None
    return Figure(row.dimension, row.value, row.leavers, row.counted, shown, False)


def _checked(request: ResultRequest) -> AcademicYear:
    problems = []
    if not 0 <= request.decimals <= 2:
        problems.append(Problem("decimals", "0, 1 or 2", "range"))
    if request.min_group_size < 0:
        problems.append(Problem("min_group_size", "must not be negative", "range"))
    if problems:
        raise InvariantViolation(problems)
    return AcademicYear.parse(request.academic_year)


async def measure_results(
    uow: MeasureWork, actor: Principal, request: ResultRequest
) -> MeasureResult:
    actor.require(Permission.READ_ANALYTICS)
    year = _checked(request)
    async with uow:
        measure = found(await uow.measures.get(request.measure_id), "measure", request.measure_id)
        chain = await _chain(uow, measure)
        schools = await _schools(uow, actor, measure, request.school_id)
        rows = await uow.summaries.measure(
            MeasureQuery(
                school_ids=tuple(schools),
                leaving_year_start=year.start_year,
                year_group_at_leaving=measure.year_group_at_leaving,
                programme_years=measure.programme_years,
                rules=tuple(MeasureRule.of(m) for m in reversed(chain)),
                subgroups=measure.subgroups,
            )
        )
    whole = next((r for r in rows if r.dimension == ""), MeasureCounts("", None, 0, 0, 0))
    parts = sorted((r for r in rows if r.dimension), key=lambda r: (r.dimension, r.value or ""))
    order = {s.value: i for i, s in enumerate(measure.subgroups)}
    parts.sort(key=lambda r: order.get(r.dimension, len(order)))
    hidden = withheld(
        [(r.dimension, r.value, r.leavers) for r in [whole, *parts]], request.min_group_size
    )
    cohort_hidden = ("", None) in hidden
    return MeasureResult(
        measure=measure,
        academic_year=year.label,
        school_ids=schools,
        cohort=_figure(whole, cohort_hidden, request.decimals),
        qualifying=None if cohort_hidden else whole.qualifying,
        excluding=chain[1] if len(chain) > 1 else None,
        subgroups=[_figure(r, (r.dimension, r.value) in hidden, request.decimals) for r in parts],
    )
