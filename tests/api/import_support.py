"""Posting import files in the API tests: one helper for every resource."""

from typing import Any

import httpx

from tests.factories import World


def csv_file(header: str, *rows: str) -> str:
    return "\n".join([header, *rows]) + "\n"


async def post_import(
    client: httpx.AsyncClient,
    world: World,
    resource: str,
    body: str | bytes,
    who: str = "school_admin",
    content_type: str = "text/csv",
    headers: dict[str, str] | None = None,
    **params: Any,
) -> httpx.Response:
    return await client.post(
        f"/api/v1/imports/{resource}",
        params={"school_id": str(world.school.id), **params},
        content=body,
        headers={**world.headers(who), "Content-Type": content_type, **(headers or {})},
    )


async def listed(
    client: httpx.AsyncClient, world: World, path: str, **params: Any
) -> list[dict[str, Any]]:
    """Every item of a school's list endpoint (one page of 200 is enough in these tests)."""
    response = await client.get(
        f"/api/v1/{path}",
        params={"school_id": str(world.school.id), "limit": 200, **params},
        headers=world.headers("school_admin"),
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def error_codes(response: httpx.Response) -> list[tuple[int, str, str]]:
    return [(e["line"], e["field"], e["code"]) for e in response.json()["errors"]]
