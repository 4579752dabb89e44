"""The reports over GraphQL: the same use cases and shapes as REST, and bad arguments are
refused as bad input (GraphQL has none of FastAPI's query constraints to lean on)."""

import uuid
from typing import Any

import httpx
import pytest

from api.runtime import Runtime
from domain.kernel.access import Role
from tests.api.progress_support import Tracker


async def post(client: httpx.AsyncClient, headers: dict[str, str], query: str) -> Any:
    response = await client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    body: Any = response.json()
    return body


@pytest.fixture(scope="module")
async def tracker(runtime: Runtime) -> Tracker:
    tracker = await Tracker.build(runtime)
    for gain in (1, 3, 4):
        await tracker.progress(await tracker.pupil(), "ENG", "2023/24", gain)
    return tracker


async def test_each_report_answers_over_graphql(
    client: httpx.AsyncClient, tracker: Tracker
) -> None:
    headers = await tracker.headers(Role.SCHOOL_ADMIN)
    school = f'"{tracker.school.id}"'
    queries = {
        "targetProgress": f'targetProgress(academicYear: "2023/24", module: 6, schoolId: {school})'
        " { counts { met onTrack behind } items { status } nextCursor }",
        "targetSuggestions": f'targetSuggestions(academicYear: "2024/25", schoolId: {school})'
        " { percentile items { pupilId } }",
        "flagWorklist": f'flagWorklist(academicYear: "2023/24", module: 6, schoolId: {school})'
        " { counts { slowerThanPeers { pupils } } }",
        "attendanceSummary": f"attendanceSummary(schoolId: {school}) {{ cohort {{ possible }} }}",
        "passRates": f"passRates(schoolId: {school}) {{ overall {{ completed }} }}",
        "destinationsSummary": (
            f"destinationsSummary(schoolId: {school}) {{ leavers eet {{ rate }} }}"
        ),
    }
    for name, field in queries.items():
        body = await post(client, headers, "{ " + field + " }")
        assert "errors" not in body, (name, body)
        assert body["data"][name] is not None


BAD_ARGUMENTS = [
    'cohortAnalysis(academicYear: "2023/24", module: 6, decimals: 9) { schoolIds }',
    'cohortAnalysis(academicYear: "2023/24", module: 99) { schoolIds }',
    'cohortAnalysis(academicYear: "2023/24", module: 6, minGroupSize: -1) { schoolIds }',
    'missingJudgements(academicYear: "2023/24", module: 6, limit: 0) { total }',
    'targetProgress(academicYear: "2023/24", module: 6, farBehindRatio: -2) { nextCursor }',
    'targetProgress(academicYear: "2023/24", module: 6, minElapsedFraction: 7) { nextCursor }',
    'targetProgress(academicYear: "0000/01", module: 6) { nextCursor }',
    'targetSuggestions(academicYear: "2024/25", percentile: 33) { percentile }',
    'targetProgress(academicYear: "2023/24", module: 6, after: "\u00e9t\u00e9") { nextCursor }',
    'targetSuggestions(academicYear: "2024/25", after: "not-a-cursor") { percentile }',
    'flagWorklist(academicYear: "2023/24", module: 6, minPeers: 0) { pupils { pupilId } }',
    'flagWorklist(academicYear: "2023/24", module: 6, tolerance: -1) { pupils { pupilId } }',
    "attendanceSummary(decimals: 7) { cohort { possible } }",
    'attendanceSummary(groupBy: ["shoe_size"]) { cohort { possible } }',
    "attendanceSummary(comparator: 250) { cohort { possible } }",
    "attendanceSummary(minGroupSize: -3) { cohort { possible } }",
    'passRates(groupBy: "colour") { overall { completed } }',
    "passRates(decimals: 5) { overall { completed } }",
    'passRates(academicYear: "2023-24") { overall { completed } }',
    f'measureResults(measureId: "{uuid.UUID(int=1)}", academicYear: "2023/24") {{ n }}',
    "destinationsSummary(decimals: 8) { leavers }",
    'destinationsSummary(yearGroupAtLeaving: "99") { leavers }',
]


@pytest.mark.parametrize("field", BAD_ARGUMENTS)
async def test_a_bad_argument_is_bad_user_input_not_an_unexpected_error(
    client: httpx.AsyncClient, tracker: Tracker, field: str
) -> None:
    body = await post(client, await tracker.headers(Role.SCHOOL_ADMIN), "{ " + field + " }")
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
    assert codes, body
    assert set(codes) <= {"BAD_USER_INPUT", "NOT_FOUND", "GRAPHQL_VALIDATION_FAILED"}, body
