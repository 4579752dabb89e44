"""A trust of two schools with everything a progress summary shows: two years of judgements,
attendance marks in both years, and one school's 2023/24 leavers with results, a measure and
destinations. Built through the real use cases on the real database."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

from api.runtime import Runtime
from domain.kernel.access import Principal
from domain.organisation import organisation_service as organisation
from domain.outcomes import attendance_service as attendance
from domain.outcomes import measure_service as measures
from domain.outcomes.attendance import Session
from domain.outcomes.destination import DestinationCategory
from domain.pupils.pupil import Pupil
from tests.api.leaver_support import E3, FIVE_LEVEL_1, L1, LeaverSchool
from tests.api.progress_support import Tracker

SYSTEM = Principal.system()
YEAR, MODULE = "2023/24", 6


@dataclass
class ReportTrust:
    main: Tracker  # the school with leavers
    sibling: Tracker
    measure_id: str
    pupils: list[Pupil]


async def _register(runtime: Runtime, pupils: list[Pupil], start: date, absent_every: int) -> None:
    """Ten school days of marks from `start`; every `absent_every`-th pupil misses mornings."""
    marks = []
    day, days = start, 0
    while days < 10:
        if day.weekday() < 5:
            days += 1
            for n, pupil in enumerate(pupils):
                missed = n % absent_every == 0
                marks.append(attendance.MarkIn(pupil.id, day, Session.AM, "N" if missed else "/"))
                marks.append(attendance.MarkIn(pupil.id, day, Session.PM, "\\"))
        day += timedelta(days=1)
    await attendance.record_marks(runtime.system_uow(), SYSTEM, marks)


async def build_report_trust(runtime: Runtime) -> ReportTrust:
    main = await Tracker.build(runtime, shared=True)
    sibling = await main.sibling()
    sibling.school = await organisation.update_school(
        runtime.system_uow(),
        SYSTEM,
        organisation.UpdateSchool(sibling.school.id, None, name="Brook Valley School"),
    )
    pupils = []
    for n in range(12):
        pupil = await main.pupil(pupil_premium=n < 5, eal=n in (9, 10))
        pupils.append(pupil)
        await main.progress(pupil, "ENG", "2022/23", 3 if n % 3 else 1)
        await main.progress(pupil, "ENG", YEAR, 1 if n < 3 else 3 + n % 4)
        await main.progress(pupil, "MAT", YEAR, 2 + n % 5)
    for _ in range(6):
        pupil = await sibling.pupil()
        await sibling.progress(pupil, "ENG", YEAR, 5)
        await sibling.progress(pupil, "MAT", YEAR, 2)
    await _register(runtime, pupils, date(2022, 10, 3), absent_every=4)
    await _register(runtime, pupils, date(2023, 10, 2), absent_every=3)

    leavers = LeaverSchool(runtime, main.trust, main.school)
    for n in range(6):
        await leavers.leaver(left_on=date(2024, 7, 19), pupil_premium=n < 3, passes=FIVE_LEVEL_1)
    await leavers.leaver(left_on=date(2024, 7, 19), passes=((L1, "Art"),), fails=((E3, "Maths"),))
    await leavers.leaver(
        left_on=date(2024, 7, 19), category=DestinationCategory.EMPLOYMENT, fails=((L1, "ICT"),)
    )
    await leavers.leaver(left_on=date(2024, 7, 19), category=DestinationCategory.UNKNOWN)
    measure = await measures.create_measure(
        runtime.system_uow(),
        SYSTEM,
        measures.CreateMeasure(
            name="Attainment 5 - Premier",
            year_group_at_leaving="11",
            min_qualifications=5,
            description="Five or more Level 1 qualifications.",
            school_id=main.school.id,
        ),
    )
    return ReportTrust(main, sibling, str(measure.id), pupils)


async def get_json(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any
) -> Any:
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def svg_charts(html: str) -> list[str]:
    """Every inline <svg>...</svg> of a page."""
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)


def shares(p: dict[str, Any] | None) -> tuple[float, float, float] | None:
    if p is None:
        return None
    return (p["expected_or_better"], p["above_or_better"], p["accelerated"])
