"""/clients: admins issue integration clients in their own scope; a client reaches only what
it was granted, where it was granted; a revoked client is refused at once."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from api.runtime import Runtime
from persistence.database import Database
from tests.api.paging import list_all, walk_pages
from tests.api.problems import assert_problem
from tests.factories import World

CLIENTS = "/api/v1/clients"
TOKEN = "/api/v1/auth/token"
IMPORTS = "/api/v1/imports/judgements"


async def _issue(
    client: httpx.AsyncClient,
    world: World,
    permissions: list[str],
    who: str = "school_admin",
    **scope: Any,
) -> dict[str, Any]:
    body = {"name": "MIS sync", "permissions": permissions, **scope}
    if not scope:
        body["school_ids"] = [str(world.school.id)]
    response = await client.post(CLIENTS, json=body, headers=world.headers(who))
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()
    return issued


async def _token_response(client: httpx.AsyncClient, issued: dict[str, Any]) -> httpx.Response:
    return await client.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_id": issued["client_id"],
            "client_secret": issued["client_secret"],
        },
    )


async def _bearer(client: httpx.AsyncClient, issued: dict[str, Any]) -> dict[str, str]:
    response = await _token_response(client, issued)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _csv(*rows: str) -> str:
    return "\n".join(["UPN,Strand,Academic Year,Module,Step,Date", *rows]) + "\n"


# --- issuing --------------------------------------------------------------------------------


async def test_the_secret_is_shown_once_and_only_its_hash_is_stored(
    client: httpx.AsyncClient, shared_world: World, database: Database
) -> None:
    issued = await _issue(client, shared_world, ["write_assessment"])
    admin = shared_world.headers("school_admin")

    shown = await client.get(f"{CLIENTS}/{issued['id']}", headers=admin)
    listed = await client.get(CLIENTS, headers=admin, params={"limit": 500})
    async with database.engine.connect() as connection:
        stored = (
            await connection.execute(
                text("SELECT secret_hash FROM integration_clients WHERE id = :id"),
                {"id": issued["id"]},
            )
        ).scalar_one()

    secret = issued["client_secret"]
    assert len(secret) >= 40
    assert issued["permissions"] == ["write_assessment"]
    assert issued["school_ids"] == [str(shared_world.school.id)]
    assert issued["trust_id"] is None
    assert issued["last_used_at"] is None
    assert issued["revoked_at"] is None
    assert shown.status_code == 200
    assert shown.json() == {k: v for k, v in issued.items() if k != "client_secret"}
    for response in (shown, listed):
        assert secret not in response.text
        assert "secret" not in response.text
        assert stored not in response.text
    assert stored.startswith("$argon2id$")
    assert secret not in stored


async def test_a_school_admin_cannot_issue_a_client_wider_than_their_own_scope(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    admin = shared_world.headers("school_admin")

    def body(**changes: Any) -> dict[str, Any]:
        return {"name": "X", "permissions": ["read_roster"], **changes}

    trust_wide = await client.post(
        CLIENTS, json=body(trust_id=str(shared_world.trust.id)), headers=admin
    )
    other_school = await client.post(
        CLIENTS, json=body(school_ids=[str(shared_world.other_school.id)]), headers=admin
    )
    both = await client.post(
        CLIENTS,
        json=body(school_ids=[str(shared_world.school.id), str(shared_world.other_school.id)]),
        headers=admin,
    )

    assert_problem(trust_wide, 403)
    assert_problem(other_school, 403)
    assert_problem(both, 403)


async def test_what_a_client_may_be_granted_is_checked_field_by_field(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    admin = shared_world.headers("school_admin")
    school = [str(shared_world.school.id)]

    admin_power = await client.post(
        CLIENTS,
        json={"name": "X", "permissions": ["manage_school"], "school_ids": school},
        headers=admin,
    )
    nothing = await client.post(
        CLIENTS, json={"name": "X", "permissions": [], "school_ids": school}, headers=admin
    )
    unknown = await client.post(
        CLIENTS, json={"name": "X", "permissions": ["fly"], "school_ids": school}, headers=admin
    )
    no_scope = await client.post(
        CLIENTS, json={"name": "X", "permissions": ["read_roster"]}, headers=admin
    )
    blank = await client.post(
        CLIENTS, json={"name": " ", "permissions": ["read_roster"], "school_ids": school},
        headers=admin,
    )  # fmt: skip

    assert_problem(admin_power, 422, "permissions", "grant")
    assert_problem(nothing, 422, "permissions", "required")
    assert_problem(unknown, 422, "permissions[0]", "enum")
    assert_problem(no_scope, 422, "scope", "scope")
    assert_problem(blank, 422, "name")


@pytest.mark.parametrize("who", ["teacher", "trust_analyst", "integration"])
async def test_only_admins_manage_clients(
    client: httpx.AsyncClient, shared_world: World, who: str
) -> None:
    headers = shared_world.headers(who)
    body = {
        "name": "X",
        "permissions": ["read_roster"],
        "school_ids": [str(shared_world.school.id)],
    }
    assert_problem(await client.post(CLIENTS, json=body, headers=headers), 403)
    assert_problem(await client.get(CLIENTS, headers=headers), 403)


# --- listing --------------------------------------------------------------------------------


async def test_each_admin_lists_only_the_clients_in_their_scope(
    client: httpx.AsyncClient, world: World
) -> None:
    mine = await _issue(client, world, ["read_roster"])
    trust_wide = await _issue(
        client, world, ["read_analytics"], who="trust_admin", trust_id=str(world.trust.id)
    )
    neighbours = await _issue(
        client,
        world,
        ["read_roster"],
        who="trust_admin",
        school_ids=[str(world.other_school.id)],
    )
    spanning = await _issue(
        client,
        world,
        ["read_roster"],
        who="trust_admin",
        school_ids=[str(world.school.id), str(world.other_school.id)],
    )
    admin = world.headers("school_admin")

    school_admin_sees = {c["id"] for c in await list_all(client, CLIENTS, admin, {})}
    trust_admin_sees = {
        c["id"] for c in await list_all(client, CLIENTS, world.headers("trust_admin"), {})
    }
    hidden = await client.get(f"{CLIENTS}/{neighbours['id']}", headers=admin)
    not_revoked = await client.post(f"{CLIENTS}/{trust_wide['id']}/revoke", headers=admin)

    # the world's own MIS client is scoped to its school too
    assert mine["id"] in school_admin_sees
    assert not {trust_wide["id"], neighbours["id"], spanning["id"]} & school_admin_sees
    assert {mine["id"], trust_wide["id"], neighbours["id"], spanning["id"]} <= trust_admin_sees
    assert_problem(hidden, 404)
    assert_problem(not_revoked, 404)


async def test_the_client_list_pages_by_cursor(client: httpx.AsyncClient, world: World) -> None:
    made = [(await _issue(client, world, ["read_roster"]))["id"] for _ in range(4)]

    walk = await walk_pages(client, CLIENTS, world.headers("school_admin"), {"limit": 2})

    assert set(made) <= set(walk.ids)
    assert walk.pages == 3  # the four, and the world's own client


# --- what a client may do -------------------------------------------------------------------


async def test_a_write_assessment_client_imports_into_its_school_only_and_reads_no_roster(
    client: httpx.AsyncClient, world: World
) -> None:
    issued = await _issue(client, world, ["write_assessment"])
    bearer = {**await _bearer(client, issued), "Content-Type": "text/csv"}
    here = _csv(f"{world.pupil.upn},READ,2023/24,1,S2,2023-10-02")
    there = _csv(f"{world.other_pupil.upn},READ,2023/24,1,S2,2023-10-02")

    imported = await client.post(
        IMPORTS, params={"school_id": str(world.school.id)}, content=here, headers=bearer
    )
    elsewhere = await client.post(
        IMPORTS, params={"school_id": str(world.other_school.id)}, content=there, headers=bearer
    )
    roster = await client.get(
        "/api/v1/pupils", params={"school_id": str(world.school.id)}, headers=bearer
    )

    assert imported.status_code == 200, imported.text
    assert imported.json()["counts"]["inserted"] == 1
    assert elsewhere.status_code in (403, 404), elsewhere.text
    assert_problem(roster, 403)


async def test_a_read_roster_client_reads_but_cannot_write(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    bearer = await _bearer(client, await _issue(client, shared_world, ["read_roster"]))
    school = str(shared_world.school.id)

    roster = await client.get("/api/v1/pupils", params={"school_id": school}, headers=bearer)
    judgement = await client.post(
        "/api/v1/judgements",
        json={
            "pupil_id": str(shared_world.pupil.id),
            "strand_id": shared_world.reading,
            "module_id": str(shared_world.modules[2].id),
            "step_id": shared_world.step("S3"),
        },
        headers=bearer,
    )
    imported = await client.post(
        IMPORTS,
        params={"school_id": school},
        content=_csv(f"{shared_world.pupil.upn},READ,2023/24,3,S3,2024-05-01"),
        headers={**bearer, "Content-Type": "text/csv"},
    )

    assert roster.status_code == 200
    assert {p["id"] for p in roster.json()["items"]} >= {str(p.id) for p in shared_world.pupils}
    assert_problem(judgement, 403)
    assert imported.status_code == 403, imported.text


async def test_a_trust_client_sees_every_school_of_its_trust_and_nothing_of_another(
    client: httpx.AsyncClient, shared_world: World, shared_other_world: World
) -> None:
    issued = await _issue(
        client,
        shared_world,
        ["read_roster"],
        who="trust_admin",
        trust_id=str(shared_world.trust.id),
    )
    bearer = await _bearer(client, issued)

    me = (await client.get("/api/v1/auth/me", headers=bearer)).json()
    pupils = await list_all(client, "/api/v1/pupils", bearer, {})
    foreign = await client.get(
        "/api/v1/pupils", params={"school_id": str(shared_other_world.school.id)}, headers=bearer
    )
    foreign_pupil = await client.get(
        f"/api/v1/pupils/{shared_other_world.pupil.id}", headers=bearer
    )

    schools = {str(shared_world.school.id), str(shared_world.other_school.id)}
    assert set(me["school_ids"]) >= schools
    assert me["role"] == "integration"
    assert {p["school_id"] for p in pupils} == schools
    assert_problem(foreign, 403)
    assert_problem(foreign_pupil, 404)


async def test_last_used_at_moves_each_time_the_client_gets_a_token(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    issued = await _issue(client, shared_world, ["read_roster"])
    admin = shared_world.headers("school_admin")
    path = f"{CLIENTS}/{issued['id']}"

    await _bearer(client, issued)
    first = (await client.get(path, headers=admin)).json()["last_used_at"]
    await _bearer(client, issued)
    second = (await client.get(path, headers=admin)).json()["last_used_at"]

    assert first is not None
    assert second > first


# --- revoking -------------------------------------------------------------------------------


@pytest.fixture
def principal_cache(runtime: Runtime) -> Iterator[None]:
    """The principal cache on, as in production (the test settings turn it off)."""
    ttl = runtime.principals.ttl
    runtime.principals.ttl = 60
    yield
    runtime.principals.ttl = ttl
    runtime.principals.clear()


@pytest.mark.usefixtures("principal_cache")
async def test_a_revoked_client_gets_no_token_and_its_token_is_refused_at_once(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    issued = await _issue(client, shared_world, ["read_roster"])
    bearer = await _bearer(client, issued)
    admin = shared_world.headers("school_admin")
    assert (await client.get("/api/v1/auth/me", headers=bearer)).status_code == 200  # cached

    revoked = await client.post(f"{CLIENTS}/{issued['id']}/revoke", headers=admin)
    again = await client.post(f"{CLIENTS}/{issued['id']}/revoke", headers=admin)
    refused = await client.get("/api/v1/auth/me", headers=bearer)
    token = await _token_response(client, issued)

    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None
    assert revoked.json()["active"] is False
    assert again.json() == revoked.json()
    assert_problem(refused, 401)
    assert token.status_code == 401
    assert token.json()["error"] == "invalid_client"
