"""The school progress summary as an HTML page: its charts, then the template."""

import datetime as dt

from markupsafe import Markup

from api.reports import charts
from api.reports.rendering import render
from domain.reports.summaries import SchoolSummary, StrandSummary

#: the words a page uses for stored codes
DESTINATION_NAMES = {
    "sixth_form": "Sixth form",
    "fe_college": "Further education college",
    "independent_specialist_college": "Independent specialist college",
    "apprenticeship": "Apprenticeship",
    "employment": "Employment",
    "training": "Training",
    "supported_internship": "Supported internship",
    "social_care_provision": "Social care provision",
    "neet": "Not in education, employment or training",
    "unknown": "Not known",
}
LEVEL_NAMES = {
    "All": "All entries",
    "pre_entry": "Pre-entry",
    "entry_1": "Entry Level 1",
    "entry_2": "Entry Level 2",
    "entry_3": "Entry Level 3",
    "level_1": "Level 1",
    "level_2": "Level 2",
    "level_3": "Level 3",
}
TARGET_NAMES = {
    "met": "Met",
    "on_track": "On track",
    "behind": "Behind",
    "too_challenging_suggested": "May be too challenging",
    "not_judged": "Not judged this module",
    "insufficient_data": "Too early to tell",
}


def period_of(academic_year: str, module_name: str) -> str:
    return f"{academic_year}, {module_name}"


def _shown(row: StrandSummary, part: str, year: str = "this_year") -> float | None:
    shares = getattr(row, year)
    return None if shares is None else float(getattr(shares, part))


def strand_chart(s: SchoolSummary, prefix: str = "school") -> Markup:
    """Each strand's (and all strands') expected-or-better, above and accelerated."""
    rows = [*s.strands, s.cohort]
    return charts.progress_bars(
        f"{prefix}-strands",
        f"{s.school_name}: progress by strand, {s.point.academic_year} {s.module_name}",
        [r.name for r in rows],
        [_shown(r, "expected_or_better") for r in rows],
        [_shown(r, "above_or_better") for r in rows],
        [_shown(r, "accelerated") for r in rows],
    )


def school_charts(s: SchoolSummary, prefix: str = "school") -> dict[str, Markup]:
    """Every chart of one school's summary; `prefix` keeps ids apart on a page of several."""
    rows = [*s.strands, s.cohort]
    names = [r.name for r in rows]
    found: dict[str, Markup] = {
        "strands": strand_chart(s, prefix),
        "last_year": charts.comparison_bars(
            f"{prefix}-last-year",
            "Expected progress or better: this year and the same point last year",
            names,
            [
                charts.Series("This year", [_shown(r, "expected_or_better") for r in rows]),
                charts.Series(
                    "Same point last year",
                    [_shown(r, "expected_or_better", "last_year") for r in rows],
                ),
            ],
        ),
    }
    if s.groups:
        group_names = ["Whole cohort", *(g.name for g in s.groups)]
        now = [s.cohort.this_year, *(g.this_year for g in s.groups)]
        before = [s.cohort.last_year, *(g.last_year for g in s.groups)]
        found["groups"] = charts.comparison_bars(
            f"{prefix}-groups",
            "Expected progress or better: groups of pupils against the whole cohort",
            group_names,
            [
                charts.Series("This year", [p.expected_or_better if p else None for p in now]),
                charts.Series(
                    "Same point last year", [p.expected_or_better if p else None for p in before]
                ),
            ],
        )
    a = s.attendance
    found["attendance"] = charts.comparison_bars(
        f"{prefix}-attendance",
        "Attendance against last year and the national figure",
        ["This school, this year", "This school, same dates last year", "National comparator"],
        [charts.Series("Attendance", [a.attendance, a.last_year, a.national])],
    )
    d = s.destinations
    if d.leavers:
        found["destinations"] = charts.comparison_bars(
            f"{prefix}-destinations",
            f"Where {s.results_year} leavers went",
            [DESTINATION_NAMES.get(c.category, c.category) for c in d.categories],
            [charts.Series("Share of leavers", [c.percentage for c in d.categories])],
        )
    return found


def school_summary_page(s: SchoolSummary, generated_on: dt.date) -> str:
    return render(
        "school_summary.html",
        title="Progress and achievement summary",
        organisation=s.school_name,
        period=period_of(s.point.academic_year, s.module_name),
        generated_on=generated_on.strftime("%-d %B %Y"),
        s=s,
        charts=school_charts(s),
        destination_names=DESTINATION_NAMES,
        level_names=LEVEL_NAMES,
        target_names=TARGET_NAMES,
    )
