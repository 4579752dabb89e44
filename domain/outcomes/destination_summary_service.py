"""Where a year's leavers went: counts and percentages per category, and the EET rate.

Each leaver counts once, at their latest leaving date in the period. The EET rate is
leavers whose destination is education, employment or training over *all* leavers,
unknown destinations included: the DfE destination measures keep "activity not captured"
in the cohort, and a school cannot raise its rate by not knowing where pupils went.
Unknowns are reported beside it. Seed 002: 9 of 10 Year 11 leavers had an EET offer, 90%.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Protocol

from domain.analytics.ports import HasProgress, HasQuality
from domain.analytics.progress_service import analysis_schools, percent
from domain.assessment.ports import HasFrameworks, HasModules
from domain.kernel.access import Principal
from domain.kernel.errors import InvariantViolation, Problem
from domain.kernel.transaction import Transaction
from domain.organisation.ports import HasSchools
from domain.outcomes.destination import (
    EET_CATEGORIES,
    CategoryCount,
    DestinationCategory,
    LeaverQuery,
)
from domain.outcomes.ports import HasSummaries
from domain.pupils.ports import HasPupils
from domain.pupils.pupil import YEAR_GROUPS, normalise_year_group


class DestinationSummaryWork(
    HasFrameworks,
    HasModules,
    HasProgress,
    HasPupils,
    HasQuality,
    HasSchools,
    HasSummaries,
    Transaction,
    Protocol,
):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class SummaryRequest:
    school_id: uuid.UUID | None = None
    trust_id: uuid.UUID | None = None
    left_from: dt.date | None = None
    left_to: dt.date | None = None
    year_group_at_leaving: str | None = None
    decimals: int = 1


@dataclass(frozen=True, slots=True)
class CategoryShare:
    count: CategoryCount
    percentage: float


@dataclass(frozen=True, slots=True)
class DestinationsSummary:
    school_ids: list[uuid.UUID]
    leavers: int
    categories: list[CategoryShare]  # most leavers first
    eet: int
    not_eet: int
    unknown: int
    eet_rate: float | None  # eet / leavers, unknowns included in leavers
    sustained: int
    not_sustained: int
    not_checked: int


def _checked(request: SummaryRequest) -> str | None:
    problems = []
    if not 0 <= request.decimals <= 2:
        problems.append(Problem("decimals", "0, 1 or 2", "range"))
    if request.left_from and request.left_to and request.left_to < request.left_from:
        problems.append(Problem("left_to", "is before left_from", "date.order"))
    year_group = request.year_group_at_leaving
    if year_group is not None:
        year_group = normalise_year_group(year_group)
        if year_group not in YEAR_GROUPS:
            problems.append(Problem("year_group_at_leaving", "not a year group", "year_group"))
    if problems:
        raise InvariantViolation(problems)
    return year_group


async def destinations_summary(
    uow: DestinationSummaryWork, actor: Principal, request: SummaryRequest
) -> DestinationsSummary:
    year_group = _checked(request)
    async with uow:
        schools = await analysis_schools(uow, actor, request.school_id, request.trust_id)
        rows = await uow.summaries.destinations(
            LeaverQuery(tuple(schools), request.left_from, request.left_to, year_group)
        )
    leavers = sum(r.leavers for r in rows)
    order = list(DestinationCategory)
    rows.sort(key=lambda r: (-r.leavers, order.index(r.category)))
    eet = sum(r.leavers for r in rows if r.category in EET_CATEGORIES)
    unknown = sum(r.leavers for r in rows if r.category is DestinationCategory.UNKNOWN)
    return DestinationsSummary(
        school_ids=schools,
        leavers=leavers,
        categories=[CategoryShare(r, percent(r.leavers, leavers, request.decimals)) for r in rows],
        eet=eet,
        not_eet=leavers - eet - unknown,
        unknown=unknown,
        eet_rate=percent(eet, leavers, request.decimals) if leavers else None,
        sustained=sum(r.sustained for r in rows),
        not_sustained=sum(r.not_sustained for r in rows),
        not_checked=sum(r.not_checked for r in rows),
    )
