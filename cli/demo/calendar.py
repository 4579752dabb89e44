"""The demo schools' assessment calendars, computed for any academic year.

The special schools run six modules a year on Kent-style half-terms (Milestone's
"module 4/6"); the PRU reviews at 6-weekly points (the Leicester seed), six a
year. Term ends drive the termly evaluation of EHCP outcome targets.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from domain.kernel.calendar import AcademicYear
from domain.targets.target import Term


@dataclass(frozen=True, slots=True)
class Window:
    """One assessment window before it becomes a school's Module."""

    sequence: int
    name: str
    starts_on: date
    ends_on: date


def weekday_on_or_after(day: date) -> date:
    weekend = day.weekday() >= 5
    return day + timedelta(days=7 - day.weekday() if weekend else 0)


def weekday_on_or_before(day: date) -> date:
    weekend = day.weekday() >= 5
    return day - timedelta(days=day.weekday() - 4 if weekend else 0)


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _friday_of_week(day: date) -> date:
    """The Friday of `day`'s week (the day before, for a weekend)."""
    return day + timedelta(days=4 - day.weekday())


def last_day(year: AcademicYear) -> date:
    """The last day of the summer term: when Year 11 and Year 14 leave."""
    return weekday_on_or_before(date(year.start_year + 1, 7, 21))


def half_terms(year: AcademicYear) -> list[Window]:
    """Module 1..6: the six half-terms, from the first school day in September to late July."""
    autumn, spring = year.start_year, year.start_year + 1
    bounds = [
        (weekday_on_or_after(date(autumn, 9, 3)), _friday_of_week(date(autumn, 10, 23))),
        (_monday_on_or_after(date(autumn, 11, 2)), _friday_of_week(date(autumn, 12, 18))),
        (weekday_on_or_after(date(spring, 1, 5)), _friday_of_week(date(spring, 2, 13))),
        (_monday_on_or_after(date(spring, 2, 22)), _friday_of_week(date(spring, 3, 27))),
        (_monday_on_or_after(date(spring, 4, 13)), _friday_of_week(date(spring, 5, 22))),
        (_monday_on_or_after(date(spring, 6, 1)), last_day(year)),
    ]
    return [Window(n, f"Module {n}", start, end) for n, (start, end) in enumerate(bounds, start=1)]


def six_weekly_points(year: AcademicYear) -> list[Window]:
    """Six review points a year, each about six teaching weeks plus a holiday week."""
    first = _monday_on_or_after(date(year.start_year, 9, 3))
    windows = []
    for n in range(1, 7):
        start = first + timedelta(weeks=7 * (n - 1))
        end = last_day(year) if n == 6 else start + timedelta(days=46)  # a Friday
        windows.append(Window(n, f"6-week point {n}", start, end))
    return windows


def term_ends(year: AcademicYear) -> dict[Term, date]:
    """When each term's EHCP outcome reviews fall due: the end of its second half-term."""
    modules = half_terms(year)
    return {
        Term.AUTUMN: modules[1].ends_on,
        Term.SPRING: modules[3].ends_on,
        Term.SUMMER: modules[5].ends_on,
    }
