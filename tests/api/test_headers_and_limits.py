"""Headers and production defaults (issue 13.6): security headers on every answer, a strict
policy on report pages, a body limit on every route but the streamed imports, and a
production setting that turns the docs off and will not run on generated keys."""

import json
import secrets
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pydantic import SecretStr

from api.app import create_app
from api.identity.keys import UnsafeProduction, new_signing_key
from api.settings import ApiSettings, AuthSettings
from persistence.database import Database
from tests.factories import World

ALWAYS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def _security(response: httpx.Response) -> dict[str, str]:
    return {k: response.headers.get(k, "") for k in ALWAYS}


async def test_every_kind_of_answer_carries_the_security_headers(
    client: httpx.AsyncClient, world: World
) -> None:
    answers = [
        await client.get("/health"),
        await client.get("/api/v1/pupils", headers=world.headers("teacher")),
        await client.get("/api/v1/pupils"),  # 401
        await client.get("/api/v1/nowhere"),  # 404
        await client.post(
            "/graphql", json={"query": "{ me { role } }"}, headers=world.headers("teacher")
        ),
        await client.get("/api/v1/exports/pupils", headers=world.headers("school_admin")),
    ]

    for answer in answers:
        assert _security(answer) == ALWAYS, answer.request.url
        assert answer.headers["content-security-policy"] == (
            "default-src 'none'; frame-ancestors 'none'"
        )


async def test_a_report_page_runs_no_script_and_loads_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    page = await client.get(
        f"/api/v1/reports/schools/{world.school.id}/summary",
        params={"format": "html"},
        headers=world.headers("school_admin"),
    )

    assert page.status_code == 200, page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy  # so none, by default-src
    assert "frame-ancestors 'none'" in policy
    assert _security(page) == ALWAYS
    assert "<script" not in page.text


async def test_the_docs_page_may_load_its_scripts_but_not_be_framed(
    client: httpx.AsyncClient,
) -> None:
    docs = await client.get("/docs")

    assert docs.status_code == 200
    assert docs.headers["content-security-policy"] == "frame-ancestors 'none'"


async def test_a_body_over_the_limit_is_413_before_it_is_read(
    client: httpx.AsyncClient, world: World, settings: ApiSettings
) -> None:
    too_big = b'{"x": "' + b"a" * settings.max_body_bytes + b'"}'

    declared = await client.post(
        "/api/v1/judgements",
        content=too_big,
        headers={**world.headers("teacher"), "Content-Type": "application/json"},
    )

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(too_big), 65536):
            yield too_big[start : start + 65536]

    streamed = await client.post(
        "/api/v1/judgements",
        content=chunks(),
        headers={**world.headers("teacher"), "Content-Type": "application/json"},
    )

    for answer in (declared, streamed):
        assert answer.status_code == 413, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["errors"][0]["field"] == "body"


async def test_a_streamed_import_is_not_held_to_the_body_limit(
    client: httpx.AsyncClient, world: World, settings: ApiSettings
) -> None:
    header = "UPN,Strand,Academic Year,Module,Step\n"
    row = f"{world.pupil.upn},READ,2023/24,1,S2\n"
    body = header + row * (settings.max_body_bytes // len(row) + 10)

    answer = await client.post(
        "/api/v1/imports/judgements",
        params={"school_id": str(world.school.id), "mode": "validate"},
        content=body,
        headers={**world.headers("teacher"), "Content-Type": "text/csv"},
    )

    assert answer.status_code != 413
    assert len(body) > settings.max_body_bytes
    assert answer.json()["rows"] > 1


def test_production_refuses_generated_keys(tmp_path: object) -> None:
    with pytest.raises(UnsafeProduction) as refused:
        create_app(ApiSettings(env="production", data_dir=str(tmp_path)))

    assert "STEPWISE_AUTH_SIGNING_KEY" in str(refused.value)
    assert "STEPWISE_PSEUDONYM_KEY" in str(refused.value)


async def test_production_turns_the_docs_and_graphiql_off_unless_asked(
    settings: ApiSettings, database: Database, tmp_path: object
) -> None:
    keys = {
        "pseudonym_key": SecretStr(secrets.token_hex(16)),
        "auth": AuthSettings(signing_key=SecretStr(new_signing_key().decode())),
        "data_dir": str(tmp_path),
    }
    quiet = create_app(ApiSettings(env="production", **keys), database)  # type: ignore[arg-type]
    asked = create_app(
        ApiSettings(env="production", docs=True, graphiql=True, **keys),  # type: ignore[arg-type]
        database,
    )

    async def pages(app: FastAPI) -> tuple[int, int, int]:
        transport = httpx.ASGITransport(app=app)
        async with (
            LifespanManager(app),
            httpx.AsyncClient(transport=transport, base_url="http://x") as http,
        ):
            docs = await http.get("/docs")
            ide = await http.get("/graphql", headers={"Accept": "text/html"})
            spec = await http.get("/openapi.json")
            return docs.status_code, int("graphiql" in ide.text.lower()), spec.status_code

    assert await pages(quiet) == (404, 0, 200)
    assert await pages(asked) == (200, 1, 200)
    assert json.loads(json.dumps(settings.model_dump(mode="json")))["env"] == "development"
