"""The client's own logic, with the network scripted: paging the change feed, following it,
and how long to wait before a retry. (The live-server tests cover the real answers.)"""

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import islice
from typing import Any

import httpx
import pytest

from stepwise_client import ApiError, AsyncStepwise, ChangePage, RetryPolicy, Stepwise


def _feed(
    pages: dict[str | None, dict[str, Any]], asked: list[dict[str, Any]]
) -> httpx.MockTransport:
    """A change feed answering each `since` with its scripted page."""

    def answer(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        asked.append({"since": params.get("since"), "resource": params.get_list("resource"),
                      "limit": params.get("limit")})  # fmt: skip
        return httpx.Response(200, json=pages[params.get("since")])

    return httpx.MockTransport(answer)


def _change(id: str, action: str = "upsert") -> dict[str, Any]:
    data = {"id": id, "step": "S2"} if action == "upsert" else None
    return {"resource": "judgements", "action": action, "id": id, "school_id": "s", "data": data}


PAGES: dict[str | None, dict[str, Any]] = {
    None: {"changes": [_change("a"), _change("b")], "next_cursor": "c2", "has_more": True},
    "c2": {"changes": [_change("a", "delete")], "next_cursor": "c3", "has_more": False},
    "c3": {"changes": [], "next_cursor": None, "has_more": False},
}


def test_changes_follows_next_cursor_until_has_more_is_false() -> None:
    asked: list[dict[str, Any]] = []
    with Stepwise("http://feed.test", token="t", transport=_feed(PAGES, asked)) as api:
        pages = list(api.changes(resources=["judgements"], limit=2))

    assert [[c.id for c in p.changes] for p in pages] == [["a", "b"], ["a"]]
    assert [c.action for c in pages[1].changes] == ["delete"]
    assert pages[1].changes[0].data is None
    assert [a["since"] for a in asked] == [None, "c2"]
    assert all(a["resource"] == ["judgements"] and a["limit"] == "2" for a in asked)


def test_a_page_without_a_cursor_keeps_the_one_it_was_asked_from() -> None:
    with Stepwise("http://feed.test", token="t", transport=_feed(PAGES, [])) as api:
        [page] = list(api.changes("c3"))

    assert page == ChangePage([], "c3", False)


def test_follow_polls_again_from_the_last_cursor() -> None:
    asked: list[dict[str, Any]] = []
    with Stepwise("http://feed.test", token="t", transport=_feed(PAGES, asked)) as api:
        pages = list(islice(api.follow(interval=0.01), 4))

    assert [a["since"] for a in asked] == [None, "c2", "c3", "c3"]
    assert [p.next_cursor for p in pages] == ["c2", "c3", "c3", "c3"]


async def test_the_async_client_pages_the_same_way() -> None:
    asked: list[dict[str, Any]] = []
    async with AsyncStepwise("http://feed.test", token="t", transport=_feed(PAGES, asked)) as api:
        pages = [page async for page in api.changes()]

    assert [p.next_cursor for p in pages] == ["c2", "c3"]
    assert [a["since"] for a in asked] == [None, "c2"]


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [("3", 3.0), ("0", 0.0), ("600", 30.0)],  # capped at max_delay
)
def test_retry_after_seconds_are_honoured_up_to_the_cap(retry_after: str, expected: float) -> None:
    assert RetryPolicy(max_delay=30.0).delay(1, retry_after) == expected


def test_retry_after_as_an_http_date_is_the_time_until_then() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)

    assert 15 < RetryPolicy().delay(1, when) <= 20


def test_without_retry_after_the_wait_doubles_with_jitter() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=30.0)

    waits = [policy.delay(attempt) for attempt in (1, 2, 3, 4)]

    for attempt, wait in enumerate(waits, start=1):
        assert 2 ** (attempt - 1) / 2 <= wait <= 2 ** (attempt - 1)


def test_a_problem_body_becomes_a_typed_error_with_its_fields() -> None:
    body = {"title": "Invalid request", "detail": "see errors",
            "errors": [{"field": "limit", "reason": "too big", "code": "range"}]}  # fmt: skip

    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(422, content=json.dumps(body).encode(),
                              headers={"Content-Type": "application/problem+json"})  # fmt: skip

    with (
        Stepwise("http://feed.test", token="t", transport=httpx.MockTransport(refuse)) as api,
        pytest.raises(ApiError) as refused,
    ):
        api.latest_cursor()

    error = refused.value
    assert (error.status, error.title, error.detail) == (422, "Invalid request", "see errors")
    assert [(e.field, e.reason, e.code) for e in error.errors] == [("limit", "too big", "range")]
