"""PostgreSQL stopped and restarted under a running `stepwise serve`, in a private cluster
(bench.clusters; never the machine's own server). The service is never restarted.
bench/faults.py is the full run; this is its bounded form plus the cases it relies on."""

import asyncio
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from bench.service import Service, free_port, load_demo
from bench.traffic import Site, prepare
from persistence.urls import libpq_url

with warnings.catch_warnings():
    # platformdirs warns at import when XDG_RUNTIME_DIR is unset (as in CI)
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    from bench.clusters import Cluster, create_cluster
    from bench.faults import exercise

#: the slowest a 503 may be while PostgreSQL is down: a prompt refusal, not a hang
PROMPT_S = 3.0
COHORT_QUERY = """query ($y: String!, $t: UUID) {
  cohortAnalysis(academicYear: $y, module: 1, trustId: $t) { schoolIds }
}"""


@pytest.fixture(scope="module")
def restartable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Cluster, Service]]:
    cluster = create_cluster(port=55530, prefix="sw-faults-")
    data_dir: Path = tmp_path_factory.mktemp("faults")
    try:
        load_demo(cluster.url, data_dir)
        service = Service(cluster.url, data_dir, free_port())
        try:
            service.wait()
            yield cluster, service
        finally:
            service.stop()
    finally:
        cluster.destroy()


@pytest.fixture(scope="module")
def site(restartable: tuple[Cluster, Service]) -> Site:
    return asyncio.run(prepare(restartable[1].base, seed=uuid.uuid4().int))


def _recovers(base: str, headers: dict[str, str], seconds: float = 15) -> float:
    """Seconds until a read succeeds again."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if httpx.get(f"{base}/api/v1/auth/me", headers=headers, timeout=10).status_code == 200:
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"the service did not recover within {seconds} s")


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_while_postgres_is_down_every_request_gets_a_prompt_503_with_retry_after(
    restartable: tuple[Cluster, Service], site: Site, mode: str
) -> None:
    cluster, service = restartable
    school = site.schools[0]
    pupil = school.pupils[0]
    trust = site.trust_id
    calls = [
        ("GET", "/api/v1/pupils", school.teacher, None),
        ("GET", f"/api/v1/pupils/{pupil['id']}/progress", school.teacher, None),
        ("GET", "/api/v1/analytics/cohort", site.analyst, None),
        ("POST", "/api/v1/judgements", school.teacher, {
            "pupil_id": pupil["id"], "strand_id": school.strands[0]["id"],
            "module_id": school.modules[0]["id"], "step_id": school.steps[0]["id"],
        }),
    ]  # fmt: skip
    params: dict[str, str | int] = {
        "trust_id": site.trust_id,
        "academic_year": site.academic_year,
        "module": 1,
    }
    cluster.stop(mode)
    try:
        answers = []
        for method, url, headers, body in calls:
            started = time.monotonic()
            response = httpx.request(
                method, f"{service.base}{url}", headers=headers, json=body, params=params,
                timeout=30,
            )  # fmt: skip
            answers.append((url, response, time.monotonic() - started))
        ready = httpx.get(f"{service.base}/ready", timeout=30)
        started = time.monotonic()
        graphql = httpx.post(
            f"{service.base}/graphql",
            headers=site.analyst,
            json={"query": COHORT_QUERY, "variables": {"y": site.academic_year, "t": trust}},
            timeout=30,
        )
        graphql_seconds = time.monotonic() - started
    finally:
        cluster.start()

    for url, response, seconds in answers:
        assert response.status_code == 503, (url, response.text)
        assert response.headers["Retry-After"] == "2"
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "urn:stepwise:problem:unavailable"
        assert seconds < PROMPT_S, (url, seconds)
    assert ready.status_code == 503
    assert graphql.status_code == 503, graphql.text
    assert graphql.headers["Retry-After"] == "2"
    # with PostgreSQL down the service cannot hear of account changes, so it trusts no cached
    # caller: the caller's resolution fails first (a problem body), or else the operation
    # (a GraphQL error)
    body = graphql.json()
    assert (
        body.get("type") == "urn:stepwise:problem:unavailable"
        or body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    ), body
    assert graphql_seconds < PROMPT_S
    assert _recovers(service.base, school.teacher) < 10
    assert service.alive()


def _import_body(site: Site) -> tuple[str, bytes]:
    school = site.schools[0]
    module = school.modules[1]
    year = f"{site.run_year}/{(site.run_year + 1) % 100:02d}"
    lines = ["UPN,Strand,Academic Year,Module,Step,Date"] + [
        f"{p['upn']},{s['code']},{year},{module['sequence']},{school.steps[1]['code']},"
        f"{module['ends_on']}"
        for p in school.pupils[:10]
        for s in school.strands[:2]
    ]
    return module["id"], "\n".join(lines).encode()


async def _rows_in(cluster: Cluster, module_id: str) -> int:
    connection = await asyncpg.connect(libpq_url(cluster.url))
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM judgements WHERE module_id = $1", uuid.UUID(module_id)
        )
        return count
    finally:
        await connection.close()


def test_an_import_retried_with_its_idempotency_key_after_a_503_is_written_once(
    restartable: tuple[Cluster, Service], site: Site
) -> None:
    cluster, service = restartable
    school = site.schools[0]
    module_id, body = _import_body(site)
    headers = school.admin | {"Content-Type": "text/csv", "Idempotency-Key": uuid.uuid4().hex}
    url = f"{service.base}/api/v1/imports/judgements"
    params = {"school_id": school.id}

    cluster.stop("immediate")
    try:
        refused = httpx.post(url, headers=headers, params=params, content=body, timeout=30)
    finally:
        cluster.start()
    _recovers(service.base, school.admin)
    first = httpx.post(url, headers=headers, params=params, content=body, timeout=30)
    again = httpx.post(url, headers=headers, params=params, content=body, timeout=30)

    assert refused.status_code == 503
    assert first.status_code == 200, first.text
    assert first.json()["counts"]["inserted"] == 20
    assert again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["replayed"] is True
    assert again.json() | {"replayed": False} == first.json()  # the first answer, replayed
    assert asyncio.run(_rows_in(cluster, module_id)) == 20


def test_a_judgement_resent_after_a_503_is_recorded_once(
    restartable: tuple[Cluster, Service], site: Site
) -> None:
    cluster, service = restartable
    school = site.schools[1]
    pupil = school.pupils[0]
    module = school.modules[2]
    body = {
        "pupil_id": pupil["id"],
        "strand_id": school.strands[0]["id"],
        "module_id": module["id"],
        "step_id": school.steps[2]["id"],
    }
    url = f"{service.base}/api/v1/judgements"

    cluster.stop("fast")
    try:
        refused = httpx.post(url, headers=school.teacher, json=body, timeout=30)
    finally:
        cluster.start()
    _recovers(service.base, school.teacher)
    recorded = httpx.post(url, headers=school.teacher, json=body, timeout=30)
    resent = httpx.post(url, headers=school.teacher, json=body, timeout=30)

    assert refused.status_code == 503
    assert recorded.status_code == 201, recorded.text
    assert resent.status_code == 409  # the natural key: a second send never duplicates
    assert recorded.json()["id"] in resent.json()["detail"]
    assert asyncio.run(_rows_in(cluster, module["id"])) == 1


def test_a_restart_under_mixed_load_loses_no_acknowledged_write_and_recovers_by_itself(
    restartable: tuple[Cluster, Service],
) -> None:
    cluster, service = restartable
    result = asyncio.run(exercise(cluster, service.base, 9, teachers=1, analysts=1, import_rows=60))

    assert result["failures"] == []
    writes = result["writes"]
    assert writes["acknowledged"] > 0
    assert writes["found"] == writes["acknowledged"]
    assert writes["missing"] == 0
    assert writes["imports_acknowledged"] > 0
    assert writes["import_matches_last_acknowledged"] is True
    assert {w["mode"] for w in result["windows"]} == {"fast", "immediate"}
    # requests were in flight during the outages, got 2xx or 503 (never 500), and nobody
    # waited long (that each gets a 503 is the test above's)
    assert sum(w["requests"] for w in result["windows"]) > 0
    assert all(w["other_non_2xx"] == 0 for w in result["windows"])
    assert all(w["max_latency_ms"] < 12_000 for w in result["windows"])
    assert set(result["statuses"]) <= {200, 201, 409, 503}
    assert service.alive()
