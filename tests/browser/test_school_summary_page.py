"""The school progress summary in headless Chromium: Milestone Park Academy's demo figures,
read by its head (school admin), show what the JSON form of the same report says, with
named charts, and print on A4."""

from typing import Any

import pytest
from playwright.async_api import Browser

from domain.kernel.access import Role
from tests.browser.conftest import DemoTrust, as_caller
from tests.browser.report_page import Rendered, render
from tests.pdf_pages import is_a4

pytestmark = pytest.mark.browser


def _at(demo_trust: DemoTrust) -> dict[str, Any]:
    """The end of last year (module 6): a full year of progress, results and leavers."""
    return {"academic_year": demo_trust.last_year, "module": 6}


def _path(demo_trust: DemoTrust) -> str:
    return f"/api/v1/reports/schools/{demo_trust.school_id}/summary"


@pytest.fixture(scope="module")
def summary(demo_trust: DemoTrust) -> Any:
    """The JSON form of the report the page shows (same caller, same defaults)."""
    return demo_trust.get_json(
        Role.SCHOOL_ADMIN, _path(demo_trust), **_at(demo_trust), format="json"
    )


@pytest.fixture(scope="module")
async def page(
    demo_trust: DemoTrust, browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> Rendered:
    """The report as the school's admin opens it (the browser's own Accept: text/html)."""
    async with as_caller(browser, demo_trust.tokens[Role.SCHOOL_ADMIN]) as context:
        output = tmp_path_factory.mktemp("school-summary")
        url = demo_trust.url(_path(demo_trust), **_at(demo_trust))
        return await render(context, url, "school-summary", output, keep=True)


def _figures(found: dict[str, Any] | None) -> list[float]:
    if found is None:
        return []
    return [found[k] for k in ("expected_or_better", "above_or_better", "accelerated")]


def test_the_school_summary_opens_as_a_web_page(
    demo_trust: DemoTrust, summary: Any, page: Rendered
) -> None:
    assert page.status == 200, demo_trust.site.log_tail()
    assert page.content_type.startswith("text/html")
    assert page.shows(summary["school_name"])
    assert page.shows(summary["academic_year"])
    assert page.shows(summary["module_name"])
    assert page.screenshots[0].stat().st_size > 10_000


def test_the_school_summary_shows_each_strands_percentages(summary: Any, page: Rendered) -> None:
    """Every strand is named, and each figure the JSON gives is on the page (strands with
    too few pupils measured are withheld in both)."""
    measured = [s for s in summary["strands"] if s["this_year"] is not None]
    assert measured, "the demo's progress models give the strands bands"
    for strand in summary["strands"]:
        assert page.shows(strand["name"])
        missing = [f for f in _figures(strand["this_year"]) if not page.shows_percent(f)]
        assert missing == [], strand["name"]
    assert all(page.shows_percent(f) for f in _figures(summary["cohort"]["this_year"]))


def test_the_school_summary_shows_groups_attendance_results_and_destinations(
    summary: Any, page: Rendered
) -> None:
    for group in summary["groups"]:
        assert page.shows(group["name"])
    attendance = summary["attendance"]
    if attendance["attendance"] is not None:
        assert page.shows_percent(attendance["attendance"])
        assert page.shows_percent(attendance["national"])
    rates = [r for r in summary["pass_rates"] if r["pass_rate"] is not None]
    assert all(page.shows_percent(r["pass_rate"]) for r in rates)
    for measure in summary["measures"]:
        assert page.shows(measure["name"])
    destinations = summary["destinations"]
    assert destinations["eet_rate"] is not None, "the demo school has leavers"
    assert page.shows_percent(destinations["eet_rate"])
    for share in destinations["categories"]:
        assert page.shows_percent(share["percentage"])


def test_the_school_summarys_charts_have_accessible_names(page: Rendered) -> None:
    assert len(page.charts) >= 2, "strands, and at least one comparison"
    for chart in page.charts:
        assert chart.role == "image"
        assert len(chart.name) > 10, chart


def test_the_school_summary_prints_on_a4(page: Rendered) -> None:
    assert "a4" in page.printed.page_sizes
    assert 1 <= page.printed.pages <= 12
    assert page.printed.media_boxes
    assert all(is_a4(box) for box in page.printed.media_boxes)


def test_the_school_summary_passes_axe_and_its_policy_blocks_nothing(page: Rendered) -> None:
    """WCAG 2.2 AA as axe-core checks it, under the report's strict Content-Security-Policy."""
    assert page.violations == ()
    assert page.blocked == ()
