"""/users: staff accounts, created and listed by admins within their own scope."""

import secrets
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.api.paging import list_all, walk_pages
from tests.api.problems import assert_problem
from tests.factories import World

USERS = "/api/v1/users"
PASSWORD = "a long enough passphrase"


def _email(prefix: str = "new") -> str:
    return f"{prefix}.{secrets.token_hex(4)}@stepwise.test"


def _body(world: World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "email": _email(),
        "name": "Jo Smith",
        "role": "teacher",
        "password": PASSWORD,
        "school_ids": [str(world.school.id)],
    }
    return {**body, **changes}


async def _create(
    client: httpx.AsyncClient, world: World, who: str = "trust_admin", **changes: Any
) -> dict[str, Any]:
    response = await client.post(USERS, json=_body(world, **changes), headers=world.headers(who))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


# --- create ---------------------------------------------------------------------------------


async def test_a_trust_admin_creates_a_teacher_who_can_then_sign_in(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    email = _email("Jo.Smith").title()
    response = await client.post(
        USERS, json=_body(shared_world, email=email), headers=shared_world.headers("trust_admin")
    )
    assert response.status_code == 201, response.text
    user = response.json()
    assert user == {
        "id": user["id"],
        "email": email.lower(),
        "name": "Jo Smith",
        "role": "teacher",
        "trust_id": None,
        "school_ids": [str(shared_world.school.id)],
        "active": True,
        "version": 1,
    }
    assert "password" not in response.text
    assert PASSWORD not in response.text

    token = await client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": email, "password": PASSWORD},
    )
    assert token.status_code == 200, token.text
    me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    )
    assert me.json()["subject"] == user["id"]
    assert me.json()["school_ids"] == [str(shared_world.school.id)]


async def test_a_trust_admin_creates_an_analyst_for_their_trust(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    user = await _create(
        client,
        shared_world,
        role="trust_analyst",
        trust_id=str(shared_world.trust.id),
        school_ids=[],
    )
    assert (user["trust_id"], user["school_ids"]) == (str(shared_world.trust.id), [])


async def test_a_trust_role_given_schools_is_refused_naming_school_ids(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    body = _body(shared_world, role="trust_analyst", trust_id=str(shared_world.trust.id))
    response = await client.post(USERS, json=body, headers=shared_world.headers("trust_admin"))
    assert_problem(response, 422, "school_ids", "scope")


async def test_a_school_admin_creates_staff_for_their_school(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    user = await _create(client, shared_world, who="school_admin", role="school_admin")
    assert (user["role"], user["school_ids"]) == ("school_admin", [str(shared_world.school.id)])


BEYOND_ONE_SCHOOL: dict[str, Callable[[World], dict[str, Any]]] = {
    "the-other-school": lambda w: {"school_ids": [str(w.other_school.id)]},
    "both-schools": lambda w: {"school_ids": [str(w.school.id), str(w.other_school.id)]},
    "a-trust-admin": lambda w: {"role": "trust_admin", "trust_id": str(w.trust.id)},
    "a-trust-analyst": lambda w: {"role": "trust_analyst", "trust_id": str(w.trust.id)},
}


@pytest.mark.parametrize("grant", BEYOND_ONE_SCHOOL.values(), ids=BEYOND_ONE_SCHOOL.keys())
async def test_a_school_admin_cannot_grant_beyond_their_school(
    client: httpx.AsyncClient, shared_world: World, grant: Callable[[World], dict[str, Any]]
) -> None:
    response = await client.post(
        USERS,
        json=_body(shared_world, **grant(shared_world)),
        headers=shared_world.headers("school_admin"),
    )
    assert_problem(response, 403)


async def test_a_trust_admin_cannot_create_users_in_another_trust(
    client: httpx.AsyncClient, shared_world: World, shared_other_world: World
) -> None:
    for changes in (
        {"school_ids": [str(shared_other_world.school.id)]},
        {"role": "trust_admin", "trust_id": str(shared_other_world.trust.id), "school_ids": []},
    ):
        response = await client.post(
            USERS, json=_body(shared_world, **changes), headers=shared_world.headers("trust_admin")
        )
        assert_problem(response, 403)


@pytest.mark.parametrize("who", ["teacher", "trust_analyst", "integration", "other_teacher"])
async def test_callers_who_administer_nothing_cannot_create_users(
    client: httpx.AsyncClient, shared_world: World, who: str
) -> None:
    response = await client.post(USERS, json=_body(shared_world), headers=shared_world.headers(who))
    assert_problem(response, 403)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"password": "short"}, "password", "password.short"),
        ({"password": ""}, "password", "string_too_short"),
        ({"email": "not-an-email"}, "email", "email"),
        ({"email": "two words@stepwise.test"}, "email", "email"),
        ({"role": "integration"}, "role", "role"),
        ({"role": "superuser"}, "role", "enum"),
        ({"school_ids": []}, "school_ids", "scope"),
        ({"role": "trust_analyst", "school_ids": []}, "trust_id", "scope"),
        ({"name": "   "}, "name", "string_too_short"),
        ({"active": False}, "active", "extra_forbidden"),
        ({"password_hash": "$argon2id$..."}, "password_hash", "extra_forbidden"),
    ],
)
async def test_a_bad_user_is_refused_naming_the_field(
    client: httpx.AsyncClient,
    shared_world: World,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    response = await client.post(
        USERS, json=_body(shared_world, **changes), headers=shared_world.headers("trust_admin")
    )
    assert_problem(response, 422, field, code)


async def test_a_second_user_with_the_same_email_is_a_conflict_naming_email(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    existing = shared_world.users["teacher"].email
    response = await client.post(
        USERS,
        json=_body(shared_world, email=f"  {existing.upper()} "),
        headers=shared_world.headers("trust_admin"),
    )
    assert_problem(response, 409, "email", "conflict")


# --- list -------------------------------------------------------------------------------------


async def test_a_trust_admin_lists_every_account_of_the_trust(
    client: httpx.AsyncClient, world: World
) -> None:
    made = await _create(client, world, school_ids=[str(world.other_school.id)])
    listed = await list_all(client, USERS, world.headers("trust_admin"), {})
    expected = {str(u.id) for u in world.users.values()} | {made["id"]}
    assert {u["id"] for u in listed} == expected
    assert all("password" not in key for u in listed for key in u)


async def test_a_school_admin_lists_the_accounts_of_their_school_only(
    client: httpx.AsyncClient, world: World
) -> None:
    listed = await list_all(client, USERS, world.headers("school_admin"), {})
    assert {u["id"] for u in listed} == {
        str(world.users["school_admin"].id),
        str(world.users["teacher"].id),
    }


@pytest.mark.parametrize("who", ["teacher", "trust_analyst", "integration"])
async def test_callers_who_administer_nothing_cannot_list_users(
    client: httpx.AsyncClient, shared_world: World, who: str
) -> None:
    assert_problem(await client.get(USERS, headers=shared_world.headers(who)), 403)


async def test_users_page_through_every_row_once(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    made = [(await _create(client, shared_world, name=f"Staff {n}"))["id"] for n in range(3)]
    admin = shared_world.headers("trust_admin")
    everything = [u["id"] for u in await list_all(client, USERS, admin, {})]
    walk = await walk_pages(client, USERS, admin, {"limit": 2})
    assert walk.ids == everything
    assert walk.ids[-3:] == made
    assert walk.pages == -(-len(everything) // 2)


async def test_another_trusts_accounts_never_appear(
    client: httpx.AsyncClient, shared_world: World, shared_other_world: World
) -> None:
    listed = await list_all(client, USERS, shared_world.headers("trust_admin"), {})
    strangers = {str(u.id) for u in shared_other_world.users.values()}
    assert {str(u.id) for u in shared_world.users.values()} <= {u["id"] for u in listed}
    assert not strangers & {u["id"] for u in listed}
