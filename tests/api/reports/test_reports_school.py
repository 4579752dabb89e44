"""The school progress summary: its figures are the analytics endpoints' own, as JSON and on
an HTML page with inline charts that print on A4."""

import sys
import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest

from api.runtime import Runtime
from domain.kernel.access import Role
from domain.reports.summaries import REPORT_MIN_GROUP_SIZE
from tests.api.problems import assert_problem
from tests.api.report_support import (
    MODULE,
    YEAR,
    ReportTrust,
    build_report_trust,
    get_json,
    shares,
    svg_charts,
)
from tests.pdf_pages import is_a4, media_boxes, page_count

SVG = "{http://www.w3.org/2000/svg}"
GROUPS = ("strand", "pupil_premium", "fsm", "eal", "looked_after", "sen_provision")


@pytest.fixture(scope="module")
async def trust(runtime: Runtime) -> ReportTrust:
    return await build_report_trust(runtime)


def _path(trust: ReportTrust) -> str:
    return f"/api/v1/reports/schools/{trust.main.school.id}/summary"


async def _summary(client: httpx.AsyncClient, trust: ReportTrust, **params: Any) -> Any:
    headers = await trust.main.headers(Role.TEACHER)
    return await get_json(client, _path(trust), headers, **params)


async def test_strand_and_group_figures_are_the_cohort_analysis_at_the_same_module(
    client: httpx.AsyncClient, trust: ReportTrust
) -> None:
    headers = await trust.main.headers(Role.TEACHER)
    report = await get_json(
        client, _path(trust), headers, academic_year=YEAR, module=MODULE, format="json"
    )
    cohort = await get_json(
        client,
        "/api/v1/analytics/cohort",
        headers,
        school_id=str(trust.main.school.id),
        academic_year=YEAR,
        module=MODULE,
        group_by=list(GROUPS),
        min_group_size=REPORT_MIN_GROUP_SIZE,
    )
    now = {(g["dimension"], g["value"]): g for g in cohort["this_year"]["groups"]}
    before = {(g["dimension"], g["value"]): g for g in cohort["last_year"]["groups"]}
    assert (report["academic_year"], report["module"]) == (YEAR, MODULE)
    assert shares(report["cohort"]["this_year"]) == shares(cohort["this_year"]["cohort"]["percent"])
    assert shares(report["cohort"]["last_year"]) == shares(cohort["last_year"]["cohort"]["percent"])
    assert shares(report["cohort"]["change"]) == shares(cohort["change"])
    assert [s["name"] for s in report["strands"]] == ["Eng", "Mat"]
    for strand in report["strands"]:
        key = ("strand", strand["strand_id"])
        assert shares(strand["this_year"]) == shares(now[key]["percent"])
        assert strand["measured"] == now[key]["measured"]
        earlier = before.get(key)
        assert shares(strand["last_year"]) == (shares(earlier["percent"]) if earlier else None)
    pupil_premium = next(g for g in report["groups"] if g["dimension"] == "pupil_premium")
    assert shares(pupil_premium["this_year"]) == shares(now[("pupil_premium", "yes")]["percent"])
    assert shares(pupil_premium["gap"]) == shares(now[("pupil_premium", "yes")]["gap_to_cohort"])
    eal = next(g for g in report["groups"] if g["dimension"] == "eal")
    assert eal["suppressed"] is now[("eal", "yes")]["suppressed"] is True  # two pupils' strands
    assert eal["this_year"] is None


async def test_attendance_is_the_attendance_summary_against_the_national_comparator(
    client: httpx.AsyncClient, runtime: Runtime, trust: ReportTrust
) -> None:
    headers = await trust.main.headers(Role.TEACHER)
    report = (await _summary(client, trust, academic_year=YEAR, module=MODULE))["attendance"]
    national = runtime.settings.reports_national_attendance
    school = str(trust.main.school.id)
    now, before = [
        await get_json(
            client,
            "/api/v1/attendance/summary",
            headers,
            school_id=school,
            comparator=national,
            min_group_size=REPORT_MIN_GROUP_SIZE,
            pupils="false",
            **{"from": start, "to": end},
        )
        for start, end in (("2023-09-01", "2024-07-19"), ("2022-09-01", "2023-07-19"))
    ]
    assert (report["date_from"], report["date_to"]) == ("2023-09-01", "2024-07-19")
    assert report["national"] == national
    assert report["attendance"] == now["cohort"]["attendance"]
    assert report["difference"] == now["cohort"]["difference"]
    assert report["persistent_absence"] == now["cohort"]["persistent_absence_rate"]
    assert report["last_year"] == before["cohort"]["attendance"]
    assert report["attendance"] < report["last_year"]  # more pupils missed mornings this year


async def test_results_are_the_pass_rates_measures_and_destinations_of_the_year(
    client: httpx.AsyncClient, trust: ReportTrust
) -> None:
    headers = await trust.main.headers(Role.TEACHER)
    report = await _summary(client, trust, academic_year=YEAR, module=MODULE)
    school = str(trust.main.school.id)
    rates = await get_json(
        client,
        "/api/v1/qualifications/summary",
        headers,
        school_id=school,
        academic_year=YEAR,
        group_by="level",
        min_group_size=REPORT_MIN_GROUP_SIZE,
    )
    measure = await get_json(
        client,
        f"/api/v1/measures/{trust.measure_id}/results",
        headers,
        academic_year=YEAR,
        school_id=school,
        min_group_size=REPORT_MIN_GROUP_SIZE,
    )
    leavers = await get_json(
        client,
        "/api/v1/destinations/summary",
        headers,
        school_id=school,
        left_from="2023-09-01",
        left_to="2024-08-31",
    )
    assert report["results_year"] == YEAR  # module 6 is the year's last
    overall, *levels = report["pass_rates"]
    assert (overall["completed"], overall["passed"], overall["pass_rate"]) == (
        rates["overall"]["completed"],
        rates["overall"]["passed"],
        rates["overall"]["pass_rate"],
    )
    assert [(r["name"], r["pass_rate"]) for r in levels] == [
        (g["value"], g["pass_rate"]) for g in rates["groups"]
    ]
    [premier] = report["measures"]
    assert premier["name"] == measure["name"]
    assert (premier["cohort"]["leavers"], premier["cohort"]["counted"]) == (
        measure["n"],
        measure["numerator"],
    )
    assert premier["cohort"]["percentage"] == measure["percentage"]
    destinations = report["destinations"]
    assert destinations["leavers"] == leavers["leavers"] == 9
    assert (destinations["eet"], destinations["eet_rate"]) == (
        leavers["eet"]["count"],
        leavers["eet"]["rate"],
    )
    assert [(c["category"], c["leavers"], c["percentage"]) for c in destinations["categories"]] == [
        (c["category"], c["count"], c["percentage"]) for c in leavers["categories"]
    ]


async def test_earlier_in_the_year_results_and_leavers_are_last_years(
    client: httpx.AsyncClient, trust: ReportTrust
) -> None:
    report = await _summary(client, trust, academic_year=YEAR, module=3)
    assert (report["module"], report["results_year"]) == (3, "2022/23")
    assert report["destinations"]["leavers"] == 0


async def test_without_parameters_the_summary_is_at_the_latest_module_that_has_ended(
    client: httpx.AsyncClient, trust: ReportTrust
) -> None:
    report = await _summary(client, trust)
    assert (report["academic_year"], report["module"], report["module_name"]) == (
        YEAR,
        MODULE,
        "Module 6",
    )


async def test_the_html_page_shows_the_figures_with_charts_that_have_text_alternatives(
    client: httpx.AsyncClient, trust: ReportTrust
) -> None:
    headers = await trust.main.headers(Role.TEACHER)
    report = await _summary(client, trust, academic_year=YEAR, module=MODULE)
    response = await client.get(
        _path(trust),
        params={"academic_year": YEAR, "module": MODULE},
        headers={**headers, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert trust.main.school.name in page
    for strand in report["strands"]:
        p = strand["this_year"]
        row = page[page.index(f'<th scope="row">{strand["name"]}</th>') :][:400]
        assert f"{p['expected_or_better']:.0f}%" in row
        assert f"{p['above_or_better']:.0f}%" in row
        assert f"{p['accelerated']:.0f}%" in row
    assert f"{report['attendance']['attendance']:.1f}%" in page
    assert f"{report['attendance']['national']:.1f}%" in page
    d = report["destinations"]
    assert f"{d['eet']} out of {d['leavers']}" in page
    assert f"{d['eet_rate']:.1f}%" in page
    assert f"{report['pass_rates'][0]['pass_rate']:.0f}%" in page
    charts = svg_charts(page)
    assert len(charts) == 5  # strands, last year, groups, attendance, destinations
    ids: list[str] = []
    for chart in charts:
        svg = ET.fromstring(chart)  # noqa: S314 - the page's own charts
        assert svg.get("role") == "img"
        title = svg.find(f"{SVG}title")
        assert title is not None
        assert title.text
        assert svg.get("aria-labelledby", "").startswith(title.get("id", "?"))
        ids += [e.get("id", "") for e in svg.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), "ids repeat across the page's charts"
    assert "<?xml" not in page
    assert "@page { size: A4;" in page
    assert "break-inside: avoid" in page


async def test_format_json_wins_over_an_html_accept_header(
    client: httpx.AsyncClient, trust: ReportTrust
) -> None:
    headers = await trust.main.headers(Role.TEACHER)
    response = await client.get(
        _path(trust), params={"format": "json"}, headers={**headers, "Accept": "text/html"}
    )
    assert response.headers["content-type"] == "application/json"
    html = await client.get(_path(trust), params={"format": "html"}, headers=headers)
    assert html.headers["content-type"].startswith("text/html")


async def test_format_pdf_is_the_page_printed_on_a4_with_its_figures(
    client: httpx.AsyncClient, trust: ReportTrust
) -> None:
    headers = await trust.main.headers(Role.TEACHER)
    params: dict[str, str | int] = {"academic_year": YEAR, "module": MODULE}
    page = await client.get(_path(trust), params={**params, "format": "html"}, headers=headers)

    response = await client.get(_path(trust), params={**params, "format": "pdf"}, headers=headers)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="progress-summary.pdf"' in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "private, no-store"
    pdf = response.content
    assert page_count(pdf) >= 1
    assert all(is_a4(size) for size in media_boxes(pdf))
    assert len(pdf) > len(page.text) / 10  # the charts and tables, not an empty page


async def test_without_pango_a_pdf_is_a_501_problem_and_html_still_works(
    client: httpx.AsyncClient, trust: ReportTrust, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = await trust.main.headers(Role.TEACHER)
    monkeypatch.setitem(sys.modules, "api.reports.pdf", None)  # as if WeasyPrint failed to load

    pdf = await client.get(_path(trust), params={"format": "pdf"}, headers=headers)
    html = await client.get(_path(trust), params={"format": "html"}, headers=headers)

    assert pdf.status_code == 501
    assert pdf.headers["content-type"] == "application/problem+json"
    assert "format=html" in pdf.json()["detail"]
    assert html.status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"academic_year": "2023-24"}, "academic_year"),
        ({"academic_year": YEAR, "module": 0}, "module"),
        ({"academic_year": YEAR, "module": 9}, "module"),  # the school has six
        ({"academic_year": "2019/20", "module": 1}, "academic_year"),  # no modules that year
        ({"format": "docx"}, "format"),
    ],
)
@pytest.mark.parametrize("accept", ["application/json", "text/html"])
async def test_bad_parameters_are_422_naming_the_field_for_json_and_html(
    client: httpx.AsyncClient,
    trust: ReportTrust,
    params: dict[str, Any],
    field: str,
    accept: str,
) -> None:
    headers = await trust.main.headers(Role.TEACHER)
    response = await client.get(_path(trust), params=params, headers={**headers, "Accept": accept})
    assert_problem(response, 422, field)


async def test_another_schools_staff_cannot_read_the_summary(
    client: httpx.AsyncClient, trust: ReportTrust
) -> None:
    headers = await trust.sibling.headers(Role.SCHOOL_ADMIN, trust.sibling.school.id)
    response = await client.get(_path(trust), headers=headers)
    assert response.status_code in (403, 404), response.text
