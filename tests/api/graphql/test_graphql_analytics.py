"""Progress analytics over GraphQL: the same use cases as REST, batched per school."""

from typing import Any

import httpx

from api.runtime import Runtime
from tests.api.graphql_support import counting_statements
from tests.api.progress_support import Tracker


async def post(
    client: httpx.AsyncClient, headers: dict[str, str], query: str, variables: dict[str, Any]
) -> Any:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


PROGRESS = """
query ($id: UUID!) {
  school(id: $id) {
    pupils {
      nodes {
        progress(academicYear: "2023/24", module: 6) { nodes { band model gain strand { code } } }
      }
    }
  }
}
"""


async def school_of(runtime: Runtime, size: int) -> Tracker:
    tracker = await Tracker.build(runtime)
    for n in range(size):
        await tracker.progress(await tracker.pupil(), "ENG", "2023/24", 1 + n % 5)
    return tracker


async def test_nested_progress_costs_the_same_statements_for_3_and_9_pupils(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    counts = []
    for size in (3, 9):
        tracker = await school_of(runtime, size)
        headers = await tracker.headers()
        with counting_statements(runtime) as statements:
            data = await post(client, headers, PROGRESS, {"id": str(tracker.school.id)})
        strands = [s for p in data["school"]["pupils"]["nodes"] for s in p["progress"]["nodes"]]
        assert len(strands) == size
        assert {s["model"] for s in strands} == {"Three a year v1"}
        assert {s["strand"]["code"] for s in strands} == {"ENG"}
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


async def test_cohort_analysis_over_graphql_gives_the_rest_figures(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    tracker = await school_of(runtime, 5)  # gains 1..5 on 3 a year over 299 days
    headers = await tracker.headers()
    query = """
    query ($school: UUID!) {
      cohortAnalysis(academicYear: "2023/24", module: 6, schoolId: $school, groupBy: ["gender"]) {
        thisYear {
          cohort {
            measured
            expectedOrBetter
            percent { expectedOrBetter aboveOrBetter accelerated }
          }
        }
        lastYear { cohort { measured } }
      }
    }
    """
    data = await post(client, headers, query, {"school": str(tracker.school.id)})
    rest = (
        await client.get(
            "/api/v1/analytics/cohort",
            params={
                "academic_year": "2023/24",
                "module": 6,
                "school_id": str(tracker.school.id),
                "group_by": ["gender"],
            },
            headers=headers,
        )
    ).json()
    cohort = data["cohortAnalysis"]["thisYear"]["cohort"]
    assert cohort["measured"] == rest["this_year"]["cohort"]["measured"] == 5
    assert cohort["percent"] == {
        "expectedOrBetter": rest["this_year"]["cohort"]["percent"]["expected_or_better"],
        "aboveOrBetter": rest["this_year"]["cohort"]["percent"]["above_or_better"],
        "accelerated": rest["this_year"]["cohort"]["percent"]["accelerated"],
    }
    assert data["cohortAnalysis"]["lastYear"]["cohort"]["measured"] == 0


async def test_missing_judgements_over_graphql(client: httpx.AsyncClient, runtime: Runtime) -> None:
    tracker = await school_of(runtime, 2)
    await tracker.pupil()  # on roll, never judged
    headers = await tracker.headers()
    query = """
    query ($school: UUID!) {
      missingJudgements(academicYear: "2023/24", module: 6, schoolId: $school) {
        total
        items { strandId }
      }
    }
    """
    data = await post(client, headers, query, {"school": str(tracker.school.id)})
    assert (
        data["missingJudgements"]["total"] == 1 + 2
    )  # never judged, and MAT for the two judged on ENG
