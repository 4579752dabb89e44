"""The trust report in headless Chromium: the demo trust's schools side by side, as its trust
admin reads them, with the figures of the JSON form of the same report, named charts and an
A4 print; a trust analyst's copy shows only what the analyst's own JSON shows."""

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
    return f"/api/v1/reports/trusts/{demo_trust.trust_id}/summary"


def _report(demo_trust: DemoTrust, role: Role) -> Any:
    return demo_trust.get_json(role, _path(demo_trust), **_at(demo_trust), format="json")


@pytest.fixture(scope="module")
def report(demo_trust: DemoTrust) -> Any:
    return _report(demo_trust, Role.TRUST_ADMIN)


@pytest.fixture(scope="module")
async def page(
    demo_trust: DemoTrust, browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> Rendered:
    """The report as the trust admin opens it (the browser's own Accept: text/html)."""
    async with as_caller(browser, demo_trust.tokens[Role.TRUST_ADMIN]) as context:
        output = tmp_path_factory.mktemp("trust-report")
        url = demo_trust.url(_path(demo_trust), **_at(demo_trust))
        return await render(context, url, "trust-report", output, keep=True)


def _cohort(school: dict[str, Any]) -> list[float]:
    found = school["cohort"]["this_year"]
    if found is None or school["cohort"]["suppressed"]:
        return []
    return [found[k] for k in ("expected_or_better", "above_or_better", "accelerated")]


def test_the_trust_report_opens_as_a_web_page(
    demo_trust: DemoTrust, report: Any, page: Rendered
) -> None:
    assert page.status == 200, demo_trust.site.log_tail()
    assert page.content_type.startswith("text/html")
    assert page.shows(report["trust_name"])
    assert page.shows(report["academic_year"])
    assert page.screenshots[0].stat().st_size > 10_000


def test_the_trust_report_shows_every_schools_figures_side_by_side(
    report: Any, page: Rendered
) -> None:
    assert len(report["schools"]) >= 3, "the demo trust has three schools"
    for school in report["schools"]:
        assert page.shows(school["school_name"])
        missing = [f for f in _cohort(school) if not page.shows_percent(f)]
        assert missing == [], school["school_name"]
        if school["attendance"]["attendance"] is not None:
            assert page.shows_percent(school["attendance"]["attendance"])
        if school["destinations"]["eet_rate"] is not None:
            assert page.shows_percent(school["destinations"]["eet_rate"])


def test_the_trust_reports_charts_have_accessible_names(page: Rendered) -> None:
    assert page.charts, "the schools' figures are charted side by side"
    for chart in page.charts:
        assert chart.role == "image"
        assert len(chart.name) > 10, chart


def test_the_trust_report_prints_on_a4(page: Rendered) -> None:
    assert "a4" in page.printed.page_sizes
    assert 1 <= page.printed.pages <= 20
    assert page.printed.media_boxes
    assert all(is_a4(box) for box in page.printed.media_boxes)


async def test_a_trust_analyst_sees_only_what_the_analysts_own_report_shows(
    demo_trust: DemoTrust,
    browser: Browser,
    report: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    analysts = _report(demo_trust, Role.TRUST_ANALYST)

    async with as_caller(browser, demo_trust.tokens[Role.TRUST_ANALYST]) as context:
        output = tmp_path_factory.mktemp("trust-report-analyst")
        url = demo_trust.url(_path(demo_trust), **_at(demo_trust))
        page = await render(context, url, "trust-report-analyst", output)

    assert page.status == 200, demo_trust.site.log_tail()
    assert analysts["pseudonymised"] is True
    shown = {s["school_name"] for s in analysts["schools"]}
    withheld = {s["school_name"] for s in report["schools"]} - shown
    assert all(page.shows(name) for name in shown)
    assert not any(page.shows(name) for name in withheld)


def test_the_trust_report_passes_axe_and_its_policy_blocks_nothing(page: Rendered) -> None:
    """WCAG 2.2 AA as axe-core checks it, under the report's strict Content-Security-Policy."""
    assert page.violations == ()
    assert page.blocked == ()
