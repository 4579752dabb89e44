"""The trust report as an HTML page: the schools' figures side by side, then each school's
strands (their frameworks differ, so strands are not lined up across schools)."""

import datetime as dt

from markupsafe import Markup

from api.reports import charts
from api.reports.rendering import render
from api.reports.school_summary import (
    DESTINATION_NAMES,
    LEVEL_NAMES,
    TARGET_NAMES,
    strand_chart,
)
from domain.reports.summaries import TrustSummary


def trust_charts(t: TrustSummary) -> dict[str, Markup]:
    names = [s.school_name for s in t.schools]
    cohorts = [s.cohort.this_year for s in t.schools]
    before = [s.cohort.last_year for s in t.schools]
    return {
        "progress": charts.progress_bars(
            "trust-progress",
            "Progress in each school, all strands together",
            names,
            [p.expected_or_better if p else None for p in cohorts],
            [p.above_or_better if p else None for p in cohorts],
            [p.accelerated if p else None for p in cohorts],
        ),
        "last_year": charts.comparison_bars(
            "trust-last-year",
            "Expected progress or better in each school: this year and the same point last year",
            names,
            [
                charts.Series("This year", [p.expected_or_better if p else None for p in cohorts]),
                charts.Series(
                    "Same point last year", [p.expected_or_better if p else None for p in before]
                ),
            ],
        ),
        "attendance": charts.comparison_bars(
            "trust-attendance",
            "Attendance in each school against the national figure",
            [*names, "National comparator"],
            [
                charts.Series(
                    "Attendance",
                    [
                        *(s.attendance.attendance for s in t.schools),
                        t.schools[0].attendance.national if t.schools else None,
                    ],
                )
            ],
        ),
        "eet": charts.comparison_bars(
            "trust-eet",
            "Leavers in education, employment or training, by school",
            names,
            [charts.Series("EET rate", [s.destinations.eet_rate for s in t.schools])],
        ),
    }


def trust_summary_page(t: TrustSummary, generated_on: dt.date) -> str:
    measure_names = sorted({m.name for s in t.schools for m in s.measures})
    group_names = list(dict.fromkeys(g.name for s in t.schools for g in s.groups))
    return render(
        "trust_summary.html",
        title="Trust progress and achievement report",
        organisation=t.trust_name,
        period=f"{t.point.academic_year}, module {t.point.sequence}",
        generated_on=generated_on.strftime("%-d %B %Y"),
        t=t,
        charts=trust_charts(t) if t.schools else {},
        strand_charts=[strand_chart(s, f"school{n}") for n, s in enumerate(t.schools, 1)],
        measure_names=measure_names,
        group_names=group_names,
        destination_names=DESTINATION_NAMES,
        level_names=LEVEL_NAMES,
        target_names=TARGET_NAMES,
    )
