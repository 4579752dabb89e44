"""Walking a cursor-paged list to its end, checking next_cursor and the Link header agree."""

import re
from dataclasses import dataclass
from typing import Any

import httpx

_LINK = re.compile(r'^<([^>]+)>; rel="next"$')


@dataclass(frozen=True, slots=True)
class Walk:
    items: list[dict[str, Any]]
    pages: int

    @property
    def ids(self) -> list[str]:
        return [item["id"] for item in self.items]


async def walk_pages(
    client: httpx.AsyncClient,
    path: str,
    headers: dict[str, str],
    params: dict[str, str | int],
) -> Walk:
    """Follow the Link header from the first page until a page has no next one.

    Every page but the last is full; each Link keeps the query and carries the body's
    next_cursor; the last page has neither; no item appears twice.
    """
    limit = int(params["limit"])
    url = client.build_request("GET", path, params=params).url
    items: list[dict[str, Any]] = []
    pages = 0
    while True:
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        pages += 1
        assert pages <= 200, "the cursor never ran out"
        items.extend(body["items"])
        cursor, link = body["next_cursor"], response.headers.get("link")
        if cursor is None:
            assert link is None, link
            assert body["items"] or pages == 1, "an empty page after a next_cursor"
            break
        assert len(body["items"]) == limit
        assert link is not None, "next_cursor without a Link header"
        match = _LINK.match(link)
        assert match, link
        url = httpx.URL(match[1])
        assert url.params["cursor"] == cursor
        for name, value in params.items():
            assert url.params[name] == str(value), f"the Link dropped {name}"
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)), "an item appeared on two pages"
    return Walk(items, pages)


async def list_all(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], params: dict[str, str]
) -> list[dict[str, Any]]:
    """One page big enough for everything (for tests of a filter, not of paging)."""
    response = await client.get(path, headers=headers, params={**params, "limit": 500})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["next_cursor"] is None
    items: list[dict[str, Any]] = body["items"]
    return items
