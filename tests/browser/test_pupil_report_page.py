"""The pupil report (annual review / parents' report) in headless Chromium: a demo pupil with
EHCP outcome targets, read by their teacher, shows what the JSON form of the same report says,
with named charts, and prints on A4. A trust analyst's copy names no one."""

import uuid
from typing import Any

import pytest
from playwright.async_api import Browser

from domain.kernel.access import Role
from tests.browser.conftest import DemoTrust, as_caller
from tests.browser.report_page import Rendered, render
from tests.pdf_pages import is_a4

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pupil_id(demo_trust: DemoTrust) -> uuid.UUID:
    """A Milestone pupil with EHCP outcome targets, so every section of the report has rows."""
    outcomes = demo_trust.get_json(
        Role.TEACHER, "/api/v1/outcome-targets", school_id=demo_trust.school_id, limit=1
    )
    return uuid.UUID(outcomes["items"][0]["pupil_id"])


def _url(demo_trust: DemoTrust, pupil_id: uuid.UUID) -> str:
    """Last year's report: a full year of modules and termly evaluations."""
    path = f"/api/v1/reports/pupils/{pupil_id}"
    return demo_trust.url(path, academic_year=demo_trust.last_year)


def _report(demo_trust: DemoTrust, role: Role, pupil_id: uuid.UUID) -> Any:
    path = f"/api/v1/reports/pupils/{pupil_id}"
    return demo_trust.get_json(role, path, academic_year=demo_trust.last_year, format="json")


@pytest.fixture(scope="module")
async def page(
    demo_trust: DemoTrust,
    browser: Browser,
    pupil_id: uuid.UUID,
    tmp_path_factory: pytest.TempPathFactory,
) -> Rendered:
    """The report as the pupil's teacher opens it (the browser's own Accept: text/html)."""
    async with as_caller(browser, demo_trust.tokens[Role.TEACHER]) as context:
        output = tmp_path_factory.mktemp("pupil-report")
        return await render(context, _url(demo_trust, pupil_id), "pupil-report", output, keep=True)


def test_the_pupil_report_opens_as_a_web_page(demo_trust: DemoTrust, page: Rendered) -> None:
    assert page.status == 200, demo_trust.site.log_tail()
    assert page.content_type.startswith("text/html")
    assert page.screenshots[0].stat().st_size > 10_000


def test_the_pupil_report_shows_each_strands_baseline_current_step_and_target(
    demo_trust: DemoTrust, pupil_id: uuid.UUID, page: Rendered
) -> None:
    report = _report(demo_trust, Role.TEACHER, pupil_id)

    assert page.shows(report["pupil"]["name"])
    assert page.shows(report["pupil"]["school_name"])
    assert page.shows(report["academic_year"])
    assert [s for s in report["strands"] if s["current"] is not None], "judged this year"
    for strand in report["strands"]:
        assert page.shows(strand["name"])
        steps = [strand[k] for k in ("baseline", "current", "target") if strand[k] is not None]
        assert [s["label"] for s in steps if not page.shows(s["label"])] == [], strand["name"]


def test_the_pupil_report_shows_the_outcome_targets_and_next_steps(
    demo_trust: DemoTrust, pupil_id: uuid.UUID, page: Rendered
) -> None:
    report = _report(demo_trust, Role.TEACHER, pupil_id)

    assert report["outcome_targets"], "the demo pupil has EHCP outcome targets"
    for outcome in report["outcome_targets"]:
        assert page.shows(outcome["text"])
    assert report["next_steps"]
    for step in report["next_steps"]:
        assert page.shows(step["step"]["label"] if step["step"] else step["text"])


def test_the_pupil_reports_charts_have_accessible_names(page: Rendered) -> None:
    assert page.charts, "the report draws each strand's progress over the modules"
    for chart in page.charts:
        assert chart.role == "image"
        assert len(chart.name) > 10, chart


def test_the_pupil_report_prints_on_a4(
    demo_trust: DemoTrust, pupil_id: uuid.UUID, page: Rendered
) -> None:
    strands = len(_report(demo_trust, Role.TEACHER, pupil_id)["strands"])

    assert "a4" in page.printed.page_sizes
    assert 1 <= page.printed.pages <= 4 + 2 * strands  # a chart and a table per strand at most
    assert page.printed.media_boxes
    assert all(is_a4(box) for box in page.printed.media_boxes)


async def test_a_trust_analyst_reads_the_pupil_report_under_a_pseudonym(
    demo_trust: DemoTrust,
    browser: Browser,
    pupil_id: uuid.UUID,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    named = _report(demo_trust, Role.TEACHER, pupil_id)["pupil"]
    pseudonymised = _report(demo_trust, Role.TRUST_ANALYST, pupil_id)["pupil"]

    async with as_caller(browser, demo_trust.tokens[Role.TRUST_ANALYST]) as context:
        output = tmp_path_factory.mktemp("pupil-report-analyst")
        page = await render(context, _url(demo_trust, pupil_id), "pupil-report-analyst", output)

    assert page.status == 200, demo_trust.site.log_tail()
    assert pseudonymised["pseudonym"]
    assert page.shows(pseudonymised["pseudonym"])
    assert not page.names(named["forename"])
    assert not page.names(named["surname"])


def test_the_pupil_report_passes_axe_and_its_policy_blocks_nothing(page: Rendered) -> None:
    """WCAG 2.2 AA as axe-core checks it, under the report's strict Content-Security-Policy."""
    assert page.violations == ()
    assert page.blocked == ()
