"""What every REST failure shares: problem+json bodies, the field named, headers, status codes."""

import base64
import re
import uuid

import httpx
import pytest

from tests.api.problems import PROBLEM_JSON, assert_problem
from tests.api.seeding import PUPILS, enrol, if_match, pupil_body
from tests.factories import World

JSON = {"Content-Type": "application/json"}


# --- request bodies ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [b'{"forename": "A",', b"{bad json}", b"\xff\xfe", b"\xa5Y\xf8"],  # last: not UTF-8
)
async def test_a_malformed_json_body_is_422_naming_body(
    client: httpx.AsyncClient, shared_world: World, raw: bytes
) -> None:
    response = await client.post(
        PUPILS, content=raw, headers={**shared_world.headers("school_admin"), **JSON}
    )
    assert_problem(response, 422, "body")


async def test_a_json_array_where_an_object_belongs_is_422_naming_body(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.post(PUPILS, json=[1, 2], headers=shared_world.headers("school_admin"))
    assert_problem(response, 422, "body")


async def test_an_empty_body_is_422_naming_body(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.post(PUPILS, headers={**shared_world.headers("school_admin"), **JSON})
    assert_problem(response, 422, "body", "missing")


async def test_an_unknown_field_is_422_naming_that_field(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    body = pupil_body(shared_world.school.id, is_admin=True)
    response = await client.post(PUPILS, json=body, headers=shared_world.headers("school_admin"))
    assert_problem(response, 422, "is_admin", "extra_forbidden")


async def test_an_unknown_field_inside_a_list_item_is_named_with_its_index(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    body = pupil_body(
        shared_world.school.id,
        enrolments=[{"joined_on": "2022-09-01"}, {"joined_on": "2023-09-01", "colour": "red"}],
    )
    response = await client.post(PUPILS, json=body, headers=shared_world.headers("school_admin"))
    assert_problem(response, 422, "enrolments[1].colour", "extra_forbidden")


async def test_an_unknown_field_in_a_patch_is_refused_without_changing_anything(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    response = await client.patch(
        f"{PUPILS}/{pupil['id']}",
        json={"forename": "Changed", "version": 7},
        headers=if_match(shared_world, "school_admin", 1),
    )
    assert_problem(response, 422, "version", "extra_forbidden")
    after = await client.get(f"{PUPILS}/{pupil['id']}", headers=shared_world.headers("teacher"))
    assert (after.json()["forename"], after.headers["etag"]) == ("Dara", '"1"')


async def test_every_problem_in_a_body_is_named_in_one_response(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    body = pupil_body(shared_world.school.id, gender="X", date_of_birth="2012-02-30")
    del body["surname"]
    response = await client.post(PUPILS, json=body, headers=shared_world.headers("school_admin"))
    problem = assert_problem(response, 422)
    assert {e["field"] for e in problem["errors"]} == {"gender", "date_of_birth", "surname"}


# --- paths and queries --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/pupils/not-a-uuid", "pupil_id"),
        ("/api/v1/judgements/1234/history", "judgement_id"),
        ("/api/v1/targets/xyz", "target_id"),
        ("/api/v1/schools/00000000-0000-0000-0000-00000000000g", "school_id"),
    ],
)
async def test_a_bad_uuid_in_the_path_is_422_naming_the_parameter(
    client: httpx.AsyncClient, shared_world: World, path: str, field: str
) -> None:
    response = await client.get(path, headers=shared_world.headers("teacher"))
    assert_problem(response, 422, field, "uuid_parsing")


async def test_a_bad_uuid_in_a_query_filter_is_422_naming_the_filter(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(
        PUPILS, params={"school_id": "nope"}, headers=shared_world.headers("teacher")
    )
    assert_problem(response, 422, "school_id")


@pytest.mark.parametrize("limit", ["0", "-1", "501", "100000", "ten"])
async def test_a_limit_outside_1_to_500_is_422_naming_limit(
    client: httpx.AsyncClient, shared_world: World, limit: str
) -> None:
    response = await client.get(
        PUPILS, params={"limit": limit}, headers=shared_world.headers("teacher")
    )
    assert_problem(response, 422, "limit")


@pytest.mark.parametrize("limit", ["1", "500"])
async def test_the_limits_at_each_end_of_the_range_are_accepted(
    client: httpx.AsyncClient, shared_world: World, limit: str
) -> None:
    response = await client.get(
        PUPILS, params={"limit": limit}, headers=shared_world.headers("teacher")
    )
    assert response.status_code == 200, response.text
    assert len(response.json()["items"]) <= int(limit)


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor!",
        "abc",
        base64.urlsafe_b64encode(b"fifteen bytes!!").decode(),
        "é",
    ],
)
async def test_a_cursor_this_api_did_not_issue_is_400_naming_cursor(
    client: httpx.AsyncClient, shared_world: World, cursor: str
) -> None:
    response = await client.get(
        PUPILS, params={"cursor": cursor}, headers=shared_world.headers("teacher")
    )
    assert_problem(response, 400, "cursor", "cursor")


async def test_an_overlong_cursor_is_refused_before_it_is_decoded(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(
        PUPILS, params={"cursor": "A" * 65}, headers=shared_world.headers("teacher")
    )
    assert_problem(response, 422, "cursor")


async def test_a_well_formed_cursor_past_every_row_gives_an_empty_last_page(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    cursor = base64.urlsafe_b64encode(uuid.UUID(int=2**128 - 1).bytes).decode().rstrip("=")
    response = await client.get(
        PUPILS, params={"cursor": cursor}, headers=shared_world.headers("teacher")
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"items": [], "next_cursor": None}
    assert "link" not in response.headers


# --- If-Match -------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
async def test_a_change_without_if_match_is_428_naming_if_match(
    client: httpx.AsyncClient, shared_world: World, method: str
) -> None:
    pupil = await enrol(client, shared_world)
    response = await client.request(
        method,
        f"{PUPILS}/{pupil['id']}",
        json={"forename": "X"} if method == "PATCH" else None,
        headers=shared_world.headers("school_admin"),
    )
    assert_problem(response, 428, "If-Match", "required")


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
async def test_a_change_with_a_stale_if_match_is_412_and_changes_nothing(
    client: httpx.AsyncClient, shared_world: World, method: str
) -> None:
    pupil = await enrol(client, shared_world)
    path = f"{PUPILS}/{pupil['id']}"
    renamed = await client.patch(
        path, json={"forename": "Once"}, headers=if_match(shared_world, "school_admin", 1)
    )
    assert renamed.status_code == 200, renamed.text
    response = await client.request(
        method,
        path,
        json={"forename": "Twice"} if method == "PATCH" else None,
        headers=if_match(shared_world, "school_admin", 1),
    )
    assert_problem(response, 412)
    after = await client.get(path, headers=shared_world.headers("teacher"))
    assert (after.json()["forename"], after.headers["etag"]) == ("Once", '"2"')


@pytest.mark.parametrize("tag", ["1", "abc", "**", '"one"', '"1", "2"'])
async def test_a_malformed_if_match_is_400_naming_if_match(
    client: httpx.AsyncClient, shared_world: World, tag: str
) -> None:
    pupil = await enrol(client, shared_world)
    response = await client.patch(
        f"{PUPILS}/{pupil['id']}",
        json={"forename": "X"},
        headers=if_match(shared_world, "school_admin", tag),
    )
    assert_problem(response, 400, "If-Match", "etag")


async def test_if_match_star_updates_whatever_the_current_version(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    """RFC 9110: `*` matches any current representation, for clients that mean to overwrite."""
    pupil = await enrol(client, shared_world)
    path = f"{PUPILS}/{pupil['id']}"
    await client.patch(
        path, json={"forename": "Once"}, headers=if_match(shared_world, "school_admin", 1)
    )
    response = await client.patch(
        path, json={"forename": "Any"}, headers=if_match(shared_world, "school_admin", "*")
    )
    assert response.status_code == 200
    assert (response.json()["forename"], response.headers["etag"]) == ("Any", '"3"')


async def test_a_weak_etag_in_if_match_is_accepted(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    pupil = await enrol(client, shared_world)
    response = await client.patch(
        f"{PUPILS}/{pupil['id']}",
        json={"forename": "Weak"},
        headers=if_match(shared_world, "school_admin", 'W/"1"'),
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'


# --- authentication and correlation ----------------------------------------------------------


NOBODY = "00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("GET", "/api/v1/pupils", {}),
        ("POST", "/api/v1/judgements", {}),
        ("GET", "/api/v1/frameworks?cursor=!!", {}),
        ("DELETE", f"/api/v1/modules/{NOBODY}", {}),
        ("PATCH", f"/api/v1/pupils/{NOBODY}", {"If-Match": "not-an-etag"}),
        ("POST", f"/api/v1/judgements/{NOBODY}/moderation", {"If-Match": "?"}),
    ],
)
async def test_a_request_without_a_token_is_401_with_www_authenticate(
    client: httpx.AsyncClient, method: str, path: str, headers: dict[str, str]
) -> None:
    """Before anything else is judged: no 428 or 400 for a caller who has not signed in."""
    response = await client.request(method, path, headers=headers)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == 'Bearer realm="stepwise"'


async def test_a_safe_x_request_id_is_echoed_and_used_as_the_correlation_id(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(PUPILS, headers={"X-Request-ID": "trace-42.a_b"})
    assert response.headers["x-request-id"] == "trace-42.a_b"
    assert assert_problem(response, 401)["correlation_id"] == "trace-42.a_b"


async def test_a_successful_response_echoes_the_x_request_id_too(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(
        PUPILS, headers={**shared_world.headers("teacher"), "X-Request-ID": "ok-1"}
    )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "ok-1"


@pytest.mark.parametrize("given", ["has spaces", "x" * 65, "semi;colon", ""])
async def test_an_unsafe_x_request_id_is_replaced_by_a_fresh_one(
    client: httpx.AsyncClient, given: str
) -> None:
    response = await client.get(PUPILS, headers={"X-Request-ID": given})
    correlation_id = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", correlation_id)
    assert assert_problem(response, 401)["correlation_id"] == correlation_id


async def test_each_request_without_an_x_request_id_gets_its_own(
    client: httpx.AsyncClient,
) -> None:
    first, second = await client.get(PUPILS), await client.get(PUPILS)
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


# --- the problem shape across statuses -----------------------------------------------------


async def test_problems_of_every_kind_share_the_rfc_9457_shape(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    teacher = shared_world.headers("teacher")
    missing = uuid.uuid4()
    cases: list[tuple[httpx.Response, int]] = [
        (await client.get(PUPILS), 401),
        (await client.post(PUPILS, json=pupil_body(shared_world.school.id), headers=teacher), 403),
        (await client.get(f"{PUPILS}/{missing}", headers=teacher), 404),
        (await client.put(PUPILS, headers=teacher), 405),
        (await client.get(PUPILS, params={"cursor": "!"}, headers=teacher), 400),
        (await client.get(PUPILS, params={"limit": 0}, headers=teacher), 422),
        (await client.delete(f"{PUPILS}/{missing}", headers=teacher), 428),
    ]
    for response, status in cases:
        body = assert_problem(response, status)
        assert body["instance"] == response.request.url.path
        assert body["title"]


async def test_an_unknown_route_is_a_404_problem(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get("/api/v1/nowhere", headers=shared_world.headers("teacher"))
    assert_problem(response, 404)


async def test_a_missing_row_is_404_without_saying_whether_it_exists_elsewhere(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(f"{PUPILS}/{uuid.uuid4()}", headers=shared_world.headers("teacher"))
    body = assert_problem(response, 404)
    assert body["detail"] == "pupil not found"
    assert "errors" not in body


# --- documentation and probes -----------------------------------------------------------------


async def test_the_openapi_document_answers_without_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Stepwise"
    assert "/api/v1/pupils" in document["paths"]
    assert "/graphql" not in document["paths"]


async def test_the_interactive_docs_answer_without_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


async def test_health_answers_as_json_not_a_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.headers["content-type"] != PROBLEM_JSON
