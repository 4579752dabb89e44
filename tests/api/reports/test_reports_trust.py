"""The trust report: each school's summary side by side, the same figures as each school's
own report, scoped to the trust, and pseudonymised for analysts."""

import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest

from api.runtime import Runtime
from domain.kernel.access import Role
from tests.api.problems import assert_problem
from tests.api.report_support import (
    MODULE,
    YEAR,
    ReportTrust,
    build_report_trust,
    get_json,
    svg_charts,
)


@pytest.fixture(scope="module")
async def trust(runtime: Runtime) -> ReportTrust:
    return await build_report_trust(runtime)


def _path(trust: ReportTrust) -> str:
    return f"/api/v1/reports/trusts/{trust.main.trust.id}/summary"


async def test_each_school_is_shown_with_the_figures_of_its_own_summary(
    client: httpx.AsyncClient, trust: ReportTrust
) -> None:
    headers = await trust.main.headers(Role.TRUST_ADMIN)
    report = await get_json(client, _path(trust), headers, academic_year=YEAR, module=MODULE)
    assert (report["academic_year"], report["module"]) == (YEAR, MODULE)
    assert report["trust_name"] == trust.main.trust.name
    by_id = {s["school_id"]: s for s in report["schools"]}
    assert set(by_id) == {str(trust.main.school.id), str(trust.sibling.school.id)}
    assert [s["school_name"] for s in report["schools"]] == sorted(
        [trust.main.school.name, trust.sibling.school.name]
    )
    for tracker in (trust.main, trust.sibling):
        own = await get_json(
            client,
            f"/api/v1/reports/schools/{tracker.school.id}/summary",
            headers,
            academic_year=YEAR,
            module=MODULE,
        )
        assert by_id[str(tracker.school.id)] == own


async def test_the_trust_figures_are_the_cohort_analysis_of_each_school(
    client: httpx.AsyncClient, trust: ReportTrust
) -> None:
    headers = await trust.main.headers(Role.TRUST_ADMIN)
    report = await get_json(client, _path(trust), headers, academic_year=YEAR, module=MODULE)
    for school in report["schools"]:
        cohort = await get_json(
            client,
            "/api/v1/analytics/cohort",
            headers,
            school_id=school["school_id"],
            academic_year=YEAR,
            module=MODULE,
            group_by="school",
        )
        assert school["cohort"]["this_year"] == cohort["this_year"]["cohort"]["percent"]


async def test_an_analyst_gets_the_report_pseudonymised_with_no_pupil_named(
    client: httpx.AsyncClient, trust: ReportTrust
) -> None:
    analyst = await trust.main.headers(Role.TRUST_ANALYST)
    admin = await trust.main.headers(Role.TRUST_ADMIN)
    seen = await get_json(client, _path(trust), analyst, academic_year=YEAR, module=MODULE)
    full = await get_json(client, _path(trust), admin, academic_year=YEAR, module=MODULE)
    assert seen["pseudonymised"] is True
    assert full["pseudonymised"] is False
    assert [s["cohort"] for s in seen["schools"]] == [s["cohort"] for s in full["schools"]]
    page = await client.get(
        _path(trust),
        params={"academic_year": YEAR, "module": MODULE},
        headers={**analyst, "Accept": "text/html"},
    )
    assert page.status_code == 200
    assert 'id="pseudonymised"' in page.text
    for pupil in trust.pupils:
        for identifying in (pupil.forename, pupil.upn, str(pupil.id)):
            assert identifying is not None
            assert identifying not in page.text
            assert identifying not in str(seen)


async def test_the_html_page_sets_the_schools_side_by_side_with_charts(
    client: httpx.AsyncClient, trust: ReportTrust
) -> None:
    headers = await trust.main.headers(Role.TRUST_ADMIN)
    report = await get_json(client, _path(trust), headers, academic_year=YEAR, module=MODULE)
    response = await client.get(
        _path(trust),
        params={"academic_year": YEAR, "module": MODULE, "format": "html"},
        headers=headers,
    )
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    header = page[page.index("<caption>Progress, all strands together</caption>") :][:2000]
    for school in report["schools"]:
        assert school["school_name"] in header
        p = school["cohort"]["this_year"]
        assert f"{p['expected_or_better']:.0f}%" in header
    charts = svg_charts(page)
    assert len(charts) == 4 + len(report["schools"])
    for chart in charts:
        svg = ET.fromstring(chart)  # noqa: S314 - the page's own charts
        assert svg.get("role") == "img"
        assert svg.find("{http://www.w3.org/2000/svg}title") is not None
    assert "@page { size: A4;" in page


async def test_without_parameters_the_report_is_at_the_latest_module_any_school_ended(
    client: httpx.AsyncClient, trust: ReportTrust
) -> None:
    headers = await trust.main.headers(Role.TRUST_ADMIN)
    report = await get_json(client, _path(trust), headers)
    assert (report["academic_year"], report["module"]) == (YEAR, MODULE)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"academic_year": "23/24"}, "academic_year"),
        ({"module": 21}, "module"),
        ({"format": "xml"}, "format"),
    ],
)
async def test_bad_parameters_are_422_naming_the_field(
    client: httpx.AsyncClient, trust: ReportTrust, params: dict[str, Any], field: str
) -> None:
    headers = await trust.main.headers(Role.TRUST_ADMIN)
    response = await client.get(
        _path(trust), params=params, headers={**headers, "Accept": "text/html"}
    )
    assert_problem(response, 422, field)


async def test_school_staff_see_only_their_own_school_in_the_trust_report(
    client: httpx.AsyncClient, trust: ReportTrust
) -> None:
    headers = await trust.main.headers(Role.SCHOOL_ADMIN)
    report = await get_json(client, _path(trust), headers, academic_year=YEAR, module=MODULE)
    assert [s["school_id"] for s in report["schools"]] == [str(trust.main.school.id)]


async def test_another_trusts_admin_cannot_read_the_trust_report(
    client: httpx.AsyncClient, runtime: Runtime, trust: ReportTrust
) -> None:
    other = await build_report_trust(runtime)
    response = await client.get(_path(trust), headers=await other.main.headers(Role.TRUST_ADMIN))
    assert response.status_code in (403, 404), response.text
