"""The pupil report (annual review / parents' report): the same figures as the endpoints it
is built from, as JSON and as a printable HTML page with one chart per strand."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from api.runtime import Runtime
from domain.assessment.judgement import JudgementKind
from domain.kernel.access import Role
from domain.kernel.calendar import AcademicYear
from domain.pupils.pupil import Pupil
from domain.targets import outcome_target_service as outcomes
from domain.targets.target import OutcomeRating, OutcomeSource, OutcomeStatus, OutcomeTarget, Term
from tests.api.problems import assert_problem
from tests.api.progress_support import SYSTEM, Tracker
from tests.api.target_support import get_json, set_target

YEAR = "2023/24"


def report_path(pupil: Pupil) -> str:
    return f"/api/v1/reports/pupils/{pupil.id}"


@dataclass
class Reported:
    tracker: Tracker
    pupil: Pupil  # judged on two strands, with targets and outcome targets
    unjudged: Pupil  # enrolled, nothing recorded


async def _outcome(
    tracker: Tracker,
    pupil: Pupil,
    area: str,
    text: str,
    ratings: list[tuple[str, Term, OutcomeRating, date]],
) -> OutcomeTarget:
    uow = tracker.runtime.system_uow
    outcome = await outcomes.set_outcome_target(
        uow(),
        SYSTEM,
        outcomes.SetOutcomeTarget(pupil.id, OutcomeSource.EHCP, area, text, date(2022, 9, 12)),
    )
    for year, term, rating, on in ratings:
        await outcomes.evaluate_outcome(
            uow(),
            SYSTEM,
            outcomes.EvaluateOutcome(
                outcome.id, AcademicYear.parse(year), term, rating, f"{rating.value} note", on
            ),
        )
    return outcome


@pytest.fixture(scope="module")
async def reported(runtime: Runtime) -> Reported:
    """English judged at modules 1 (baseline), 2, 4 and 6; maths at 1 (baseline) and 4 only,
    so maths's figures are as at module 4 and its series has gaps. English's target is still
    ahead; maths's is already reached. Two outcome targets: one open and evaluated in autumn
    and spring, one achieved and only evaluated the year before."""
    tracker = await Tracker.build(runtime)
    pupil = await tracker.pupil()
    for sequence, value, on, kind in (
        (1, 6.0, date(2023, 9, 15), JudgementKind.BASELINE),
        (2, 7.0, date(2023, 12, 1), JudgementKind.CHECKPOINT),
        (4, 8.0, date(2024, 3, 20), JudgementKind.CHECKPOINT),
        (6, 9.0, date(2024, 7, 10), JudgementKind.CHECKPOINT),
    ):
        await tracker.judge(pupil, "ENG", YEAR, sequence, value, on, kind)
    await tracker.judge(pupil, "MAT", YEAR, 1, 3.0, date(2023, 9, 15), JudgementKind.BASELINE)
    await tracker.judge(pupil, "MAT", YEAR, 4, 5.0, date(2024, 3, 20))
    await set_target(tracker, pupil, "ENG", YEAR, 11.0)
    await set_target(tracker, pupil, "MAT", YEAR, 5.0)
    await _outcome(
        tracker,
        pupil,
        "Communication",
        f"{pupil.forename} will ask for help using a symbol card in three lessons a week",
        [
            (YEAR, Term.AUTUMN, OutcomeRating.PARTLY_MET, date(2023, 12, 12)),
            (YEAR, Term.SPRING, OutcomeRating.MET, date(2024, 3, 25)),
        ],
    )
    achieved = await _outcome(
        tracker,
        pupil,
        "Independence",
        "Will put on a coat without help",
        [("2022/23", Term.SUMMER, OutcomeRating.EXCEEDED, date(2023, 7, 10))],
    )
    await outcomes.update_outcome_target(
        runtime.system_uow(),
        SYSTEM,
        outcomes.UpdateOutcomeTarget(achieved.id, None, status=OutcomeStatus.ACHIEVED),
    )
    return Reported(tracker, pupil, await tracker.pupil())


async def _report(
    client: httpx.AsyncClient, pupil: Pupil, headers: dict[str, str], **params: Any
) -> Any:
    return await get_json(client, report_path(pupil), headers, format="json", **params)


async def test_each_strand_shows_the_progress_endpoints_figures_at_its_last_judged_module(
    client: httpx.AsyncClient, reported: Reported
) -> None:
    headers = await reported.tracker.headers(Role.TEACHER)
    body = await _report(client, reported.pupil, headers)
    assert (body["academic_year"], body["module"]) == (YEAR, 6)
    assert [m["module"] for m in body["modules"]] == [1, 2, 3, 4, 5, 6]
    assert len(body["strands"]) == 2
    as_at = set()
    for strand in body["strands"]:
        module = strand["as_at"]["module"]
        as_at.add(module)
        progress = await get_json(
            client,
            f"/api/v1/pupils/{reported.pupil.id}/progress",
            headers,
            academic_year=YEAR,
            module=module,
        )
        [fact] = [f for f in progress["strands"] if f["strand_id"] == strand["strand_id"]]
        assert strand["baseline"]["step_id"] == fact["baseline"]["step_id"]
        assert strand["baseline"]["value"] == fact["baseline"]["value"]
        assert strand["baseline_on"] == fact["baseline"]["on"]
        assert strand["current"]["step_id"] == fact["latest"]["step_id"]
        assert strand["current"]["value"] == fact["latest"]["value"]
        assert strand["current_on"] == fact["latest"]["on"]
        assert (strand["gain"], strand["band"], strand["model"]) == (
            fact["gain"],
            fact["band"],
            fact["model"],
        )
        assert strand["expected_gain"] == fact["expected_gain"]
    assert as_at == {4, 6}  # maths was last judged at module 4


async def test_the_series_is_the_step_the_progress_endpoint_gives_at_each_module(
    client: httpx.AsyncClient, reported: Reported
) -> None:
    headers = await reported.tracker.headers(Role.TEACHER)
    body = await _report(client, reported.pupil, headers, academic_year=YEAR)
    latest: dict[tuple[str, int], str] = {}
    for module in range(1, 7):
        progress = await get_json(
            client,
            f"/api/v1/pupils/{reported.pupil.id}/progress",
            headers,
            academic_year=YEAR,
            module=module,
        )
        for fact in progress["strands"]:
            latest[(fact["strand_id"], module)] = fact["latest"]["step_id"]
    gaps = 0
    for strand in body["strands"]:
        for point in strand["series"]:
            expected = latest.get((strand["strand_id"], point["module"]))
            shown = None if point["step"] is None else point["step"]["step_id"]
            assert shown == expected
            gaps += shown is None
    assert gaps > 0  # modules without a judgement are shown as gaps, not carried forward


async def test_targets_and_their_tracking_are_those_of_the_target_endpoints(
    client: httpx.AsyncClient, reported: Reported
) -> None:
    headers = await reported.tracker.headers(Role.TEACHER)
    body = await _report(client, reported.pupil, headers)
    targets = await get_json(
        client, "/api/v1/targets", headers, pupil_id=str(reported.pupil.id), academic_year=YEAR
    )
    target_of = {t["strand_id"]: t for t in targets["items"]}
    assert set(target_of) == {s["strand_id"] for s in body["strands"]}
    tracking = set()
    for strand in body["strands"]:
        target = target_of[strand["strand_id"]]
        assert strand["target"]["step_id"] == target["step_id"]
        assert strand["target_status"] == target["status"]
        tracked = await get_json(
            client,
            f"/api/v1/pupils/{reported.pupil.id}/targets/progress",
            headers,
            academic_year=YEAR,
            module=strand["as_at"]["module"],
        )
        [same] = [t for t in tracked["targets"] if t["strand_id"] == strand["strand_id"]]
        assert strand["tracking"] == same["status"]
        tracking.add(strand["tracking"])
    # maths reached its target at module 4: tracked there, not "not judged" at module 6
    assert "met" in tracking


async def test_outcome_targets_show_this_years_evaluations_in_term_order(
    client: httpx.AsyncClient, reported: Reported
) -> None:
    headers = await reported.tracker.headers(Role.TEACHER)
    body = await _report(client, reported.pupil, headers)
    listed = await get_json(
        client, "/api/v1/outcome-targets", headers, pupil_id=str(reported.pupil.id)
    )
    by_id = {o["id"]: o for o in listed["items"]}
    open_ones = [o for o in listed["items"] if o["status"] == OutcomeStatus.ACTIVE.value]
    # the open one is shown; the one achieved last year, with no evaluation this year, is not
    assert [o["id"] for o in body["outcome_targets"]] == [o["id"] for o in open_ones]
    assert len(listed["items"]) == 2
    assert len(open_ones) == 1
    for outcome in body["outcome_targets"]:
        source = by_id[outcome["id"]]
        assert (outcome["area"], outcome["text"], outcome["status"]) == (
            source["area"],
            source["text"],
            source["status"],
        )
        this_year = [e for e in source["evaluations"] if e["academic_year"] == YEAR]
        terms = ["autumn", "spring", "summer"]
        this_year.sort(key=lambda e: terms.index(e["term"]))
        assert outcome["evaluations"] == this_year


async def test_next_steps_are_the_step_after_the_current_one_then_the_open_outcome_targets(
    client: httpx.AsyncClient, reported: Reported
) -> None:
    headers = await reported.tracker.headers(Role.TEACHER)
    body = await _report(client, reported.pupil, headers)
    framework = await get_json(
        client, f"/api/v1/frameworks/{body['strands'][0]['framework_id']}", headers
    )
    values = sorted(s["value"] for s in framework["steps"])
    strand_steps = [n for n in body["next_steps"] if n["kind"] == "strand"]
    assert len(strand_steps) == len(body["strands"])
    for strand, step in zip(body["strands"], strand_steps, strict=True):
        current, target = strand["current"]["value"], strand["target"]["value"]
        assert step["strand_id"] == strand["strand_id"]
        assert step["step"]["value"] == next(v for v in values if v > current)
        assert (step["towards"] is not None) == (target > current)
        assert step["beyond_target"] == (target <= current)
        if step["towards"] is not None:
            assert step["towards"]["step_id"] == strand["target"]["step_id"]
    outcome_steps = [n["outcome_id"] for n in body["next_steps"] if n["kind"] == "outcome"]
    assert outcome_steps == [
        o["id"] for o in body["outcome_targets"] if o["status"] == OutcomeStatus.ACTIVE.value
    ]
    assert outcome_steps


async def test_the_page_says_each_strands_figures_in_words_with_one_described_chart_each(
    client: httpx.AsyncClient, reported: Reported
) -> None:
    headers = await reported.tracker.headers(Role.TEACHER)
    body = await _report(client, reported.pupil, headers)
    response = await client.get(
        report_path(reported.pupil), params={"format": "html"}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    svgs = re.findall(r"<svg\b[^>]*>.*?</svg>", page, flags=re.DOTALL)
    assert len(svgs) == len(body["strands"])
    for svg in svgs:
        assert 'role="img"' in svg
        assert re.search(r"<title [^>]*>[^<]+</title>", svg)
        assert re.search(r"<desc [^>]*>[^<]+</desc>", svg)
    assert "@media print" in page
    assert "size: A4" in page
    first = body["pupil"]["forename"]
    for strand in body["strands"]:
        assert strand["name"] in page
        for part in ("baseline", "current", "target"):
            assert strand[part]["label"] in page
        assert f"{first} started at {strand['baseline']['label']}" in page
    for outcome in body["outcome_targets"]:
        assert outcome["text"] in page
    assert "Partly met" in page
    assert "not yet judged" in page


async def test_a_browser_gets_the_page_and_a_script_gets_json(
    client: httpx.AsyncClient, reported: Reported
) -> None:
    headers = await reported.tracker.headers(Role.TEACHER)
    browser = await client.get(
        report_path(reported.pupil),
        headers={**headers, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    script = await client.get(
        report_path(reported.pupil), headers={**headers, "Accept": "application/json"}
    )
    assert browser.headers["content-type"].startswith("text/html")
    assert script.json()["pupil"]["id"] == str(reported.pupil.id)


async def test_a_trust_analyst_gets_the_same_figures_under_a_pseudonym_and_no_free_text(
    client: httpx.AsyncClient, reported: Reported
) -> None:
    teacher = await _report(client, reported.pupil, await reported.tracker.headers(Role.TEACHER))
    analyst_headers = await reported.tracker.headers(Role.TRUST_ANALYST)
    analyst = await _report(client, reported.pupil, analyst_headers)
    shown = analyst["pupil"]
    assert (shown["forename"], shown["surname"]) == (None, None)
    assert shown["pseudonym"]
    assert shown["name"] == shown["pseudonym"]
    assert analyst["strands"] == teacher["strands"]
    page = (
        await client.get(
            report_path(reported.pupil), params={"format": "html"}, headers=analyst_headers
        )
    ).text
    assert reported.pupil.forename not in page
    assert reported.pupil.surname not in page
    assert shown["pseudonym"] in page
    # outcome targets' wording names the pupil: an analyst gets the area and ratings only
    assert [o["text"] for o in analyst["outcome_targets"]] == [None]
    taught = teacher["outcome_targets"][0]
    assert reported.pupil.forename in taught["text"]
    seen = analyst["outcome_targets"][0]
    assert [e["rating"] for e in seen["evaluations"]] == [
        e["rating"] for e in taught["evaluations"]
    ]
    assert {e["note"] for e in seen["evaluations"]} == {""}
    assert all(n["text"] is None for n in analyst["next_steps"] if n["kind"] == "outcome")


async def test_another_schools_staff_and_another_trust_are_told_not_found(
    client: httpx.AsyncClient, runtime: Runtime, reported: Reported
) -> None:
    sibling = await reported.tracker.sibling()
    stranger = await Tracker.build(runtime)
    for headers in (
        await sibling.headers(Role.SCHOOL_ADMIN),
        await stranger.headers(Role.TRUST_ADMIN),
    ):
        for fmt in ("json", "html"):
            response = await client.get(
                report_path(reported.pupil), params={"format": fmt}, headers=headers
            )
            assert_problem(response, 404)
            assert reported.pupil.surname not in response.text


async def test_a_pupil_with_nothing_recorded_gets_a_clear_empty_report(
    client: httpx.AsyncClient, reported: Reported
) -> None:
    headers = await reported.tracker.headers(Role.TEACHER)
    body = await _report(client, reported.unjudged, headers)
    assert (body["academic_year"], body["module"]) == (YEAR, 6)
    assert (body["strands"], body["outcome_targets"], body["next_steps"]) == ([], [], [])
    response = await client.get(
        report_path(reported.unjudged), params={"format": "html"}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert "<svg" not in response.text
    assert 'data-empty="strands"' in response.text
    assert f"no assessments or targets for {reported.unjudged.forename}" in response.text


async def test_a_year_with_no_module_ended_yet_is_a_report_with_nothing_to_show(
    client: httpx.AsyncClient, reported: Reported
) -> None:
    headers = await reported.tracker.headers(Role.TEACHER)
    body = await _report(client, reported.pupil, headers, academic_year="2090/91")
    assert (body["academic_year"], body["module"], body["modules"]) == ("2090/91", None, [])
    assert body["strands"] == []
    page = await client.get(
        report_path(reported.pupil),
        params={"format": "html", "academic_year": "2090/91"},
        headers=headers,
    )
    assert page.status_code == 200
    assert "no assessment window has ended yet" in page.text


@pytest.mark.parametrize("year", ["2023-24", "2023/25", "1800/01", "24"])
async def test_a_badly_written_academic_year_is_refused_naming_the_field(
    client: httpx.AsyncClient, reported: Reported, year: str
) -> None:
    headers = await reported.tracker.headers(Role.TEACHER)
    for fmt in ("json", "html"):
        response = await client.get(
            report_path(reported.pupil),
            params={"academic_year": year, "format": fmt},
            headers=headers,
        )
        assert_problem(response, 422, "academic_year")
