"""Staff can be offboarded (issue 13.5): admins deactivate, reactivate, change role or scope
and reset passwords of the accounts they manage, users change their own; each is audited, and
deactivation, a new role or scope and a new password end the account's tokens at once, in
every server process.

Regression: there was no way but SQL to do any of this, and after a password change the old
token worked for up to an hour.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from api.app import create_app
from api.settings import ApiSettings, AuthSettings
from domain.identity import identity_service as identity
from domain.kernel.access import Principal, Role
from persistence.database import Database
from tests.conftest import client_address
from tests.factories import PASSWORD, World

USERS = "/api/v1/users"
ME = "/api/v1/auth/me"


@pytest.fixture
async def staff(world: World) -> tuple[uuid.UUID, str]:
    """A teacher of the world's school (id, e-mail), not one of its ready-made callers."""
    email = f"staff.{uuid.uuid4().hex[:8]}@stepwise.test"
    user = await identity.create_user(
        world.runtime.system_uow(),
        Principal.system(),
        identity.CreateUser(
            email, "Staff Member", Role.TEACHER, PASSWORD, school_ids=frozenset({world.school.id})
        ),
        world.runtime.hasher,
    )
    return user.id, email


async def sign_in(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD
) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": email, "password": password},
    )


async def token_of(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD
) -> dict[str, str]:
    response = await sign_in(client, email, password)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_deactivating_ends_the_tokens_at_once_and_refuses_sign_in_until_reactivated(
    client: httpx.AsyncClient, world: World, staff: tuple[uuid.UUID, str]
) -> None:
    user_id, email = staff
    held = await token_of(client, email)
    assert (await client.get(ME, headers=held)).status_code == 200

    off = await client.post(f"{USERS}/{user_id}/deactivate", headers=world.headers("school_admin"))
    refused = await client.get(ME, headers=held)
    cannot = await sign_in(client, email)
    on = await client.post(f"{USERS}/{user_id}/reactivate", headers=world.headers("school_admin"))
    again = await sign_in(client, email)

    assert off.status_code == 200, off.text
    assert off.json()["active"] is False
    assert refused.status_code == 401
    assert cannot.status_code == 400
    assert on.json()["active"] is True
    assert again.status_code == 200
    assert (await client.get(ME, headers=held)).status_code == 401  # ended stays ended


async def test_a_new_role_ends_the_tokens_and_the_next_sign_in_has_it(
    client: httpx.AsyncClient, world: World, staff: tuple[uuid.UUID, str]
) -> None:
    user_id, email = staff
    held = await token_of(client, email)
    admin = world.headers("school_admin")
    read = await client.get(f"{USERS}/{user_id}", headers=admin)

    changed = await client.patch(
        f"{USERS}/{user_id}",
        json={"role": "school_admin"},
        headers={**admin, "If-Match": read.headers["etag"]},
    )
    stale = await client.patch(
        f"{USERS}/{user_id}",
        json={"name": "Too Late"},
        headers={**admin, "If-Match": read.headers["etag"]},
    )
    fresh = await token_of(client, email)

    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "school_admin"
    assert stale.status_code == 412
    assert (await client.get(ME, headers=held)).status_code == 401
    assert (await client.get(ME, headers=fresh)).json()["role"] == "school_admin"


async def test_a_renamed_user_keeps_their_tokens(
    client: httpx.AsyncClient, world: World, staff: tuple[uuid.UUID, str]
) -> None:
    user_id, email = staff
    held = await token_of(client, email)

    renamed = await client.patch(
        f"{USERS}/{user_id}",
        json={"name": "Staff Member-Jones"},
        headers={**world.headers("school_admin"), "If-Match": "*"},
    )

    assert renamed.json()["name"] == "Staff Member-Jones"
    assert (await client.get(ME, headers=held)).json()["name"] == "Staff Member-Jones"


async def test_changing_your_own_password_needs_the_current_one_and_ends_every_token(
    client: httpx.AsyncClient, staff: tuple[uuid.UUID, str]
) -> None:
    _, email = staff
    held = await token_of(client, email)
    other = await token_of(client, email)

    wrong = await client.post(
        f"{USERS}/me/password",
        json={"current_password": "not my password", "new_password": "a new password 1"},
        headers=held,
    )
    short = await client.post(
        f"{USERS}/me/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=held,
    )
    changed = await client.post(
        f"{USERS}/me/password",
        json={"current_password": PASSWORD, "new_password": "a new password 1"},
        headers=held,
    )

    assert wrong.status_code == 422
    assert [e["field"] for e in wrong.json()["errors"]] == ["current_password"]
    assert [e["field"] for e in short.json()["errors"]] == ["new_password"]
    assert changed.status_code == 200, changed.text
    assert changed.headers["cache-control"] == "no-store"
    given = {"Authorization": f"Bearer {changed.json()['access_token']}"}
    assert (await client.get(ME, headers=held)).status_code == 401
    assert (await client.get(ME, headers=other)).status_code == 401
    assert (await client.get(ME, headers=given)).status_code == 200
    assert (await sign_in(client, email)).status_code == 400
    assert (await sign_in(client, email, "a new password 1")).status_code == 200


async def test_an_admin_reset_sets_the_password_and_ends_the_tokens(
    client: httpx.AsyncClient, world: World, staff: tuple[uuid.UUID, str]
) -> None:
    user_id, email = staff
    held = await token_of(client, email)

    reset = await client.post(
        f"{USERS}/{user_id}/password",
        json={"new_password": "given by the office"},
        headers=world.headers("trust_admin"),
    )

    assert reset.status_code == 204
    assert (await client.get(ME, headers=held)).status_code == 401
    assert (await sign_in(client, email, "given by the office")).status_code == 200


async def test_only_admins_of_the_accounts_whole_scope_manage_it(
    client: httpx.AsyncClient, world: World, staff: tuple[uuid.UUID, str]
) -> None:
    user_id, _ = staff
    neighbour = await identity.create_user(
        world.runtime.system_uow(),
        Principal.system(),
        identity.CreateUser(
            f"n.{uuid.uuid4().hex[:8]}@stepwise.test",
            "Neighbour",
            Role.SCHOOL_ADMIN,
            PASSWORD,
            school_ids=frozenset({world.other_school.id}),
        ),
        world.runtime.hasher,
    )
    neighbour_headers = {
        "Authorization": "Bearer "
        + world.runtime.tokens.issue(str(neighbour.id), "user", "school_admin")
    }
    admin = world.headers("school_admin")

    outsider = await client.post(f"{USERS}/{user_id}/deactivate", headers=neighbour_headers)
    teacher = await client.get(f"{USERS}/{user_id}", headers=world.headers("teacher"))
    promote = await client.patch(
        f"{USERS}/{user_id}",
        json={"role": "trust_admin", "trust_id": str(world.trust.id)},
        headers={**admin, "If-Match": "*"},
    )
    widen = await client.patch(
        f"{USERS}/{user_id}",
        json={"school_ids": [str(world.school.id), str(world.other_school.id)]},
        headers={**admin, "If-Match": "*"},
    )
    myself = await client.post(
        f"{USERS}/{world.users['school_admin'].id}/deactivate", headers=admin
    )

    assert outsider.status_code == 404
    assert teacher.status_code == 403
    assert promote.status_code == 403
    assert widen.status_code == 403
    assert myself.status_code == 409


async def test_every_change_is_audited_without_a_password(
    client: httpx.AsyncClient, world: World, staff: tuple[uuid.UUID, str]
) -> None:
    user_id, _ = staff
    admin = world.headers("school_admin")
    await client.post(f"{USERS}/{user_id}/deactivate", headers=admin)
    await client.post(f"{USERS}/{user_id}/reactivate", headers=admin)
    await client.post(f"{USERS}/{user_id}/password", json={"new_password": "Secret-12345"},
                      headers=admin)  # fmt: skip

    listed = await client.get(
        "/api/v1/audit",
        params={"school_id": str(world.school.id), "action": "account", "record_id": str(user_id)},
        headers=admin,
    )

    changes = [e["changes"]["change"] for e in reversed(listed.json()["items"])]
    assert changes == ["created", "deactivated", "reactivated", "password reset"]
    assert {e["actor"] for e in listed.json()["items"][:3]} == {str(world.users["school_admin"].id)}
    assert "Secret-12345" not in listed.text


async def test_an_address_with_an_account_elsewhere_gets_the_answer_one_in_scope_gets(
    client: httpx.AsyncClient, world: World, other_world: World, staff: tuple[uuid.UUID, str]
) -> None:
    """Another trust's admin is not told that an address has an account somewhere."""
    _, email = staff
    body = {"name": "Copy", "role": "teacher", "password": PASSWORD}

    mine = await client.post(
        USERS,
        json={**body, "email": email, "school_ids": [str(world.school.id)]},
        headers=world.headers("school_admin"),
    )
    theirs = await client.post(
        USERS,
        json={**body, "email": email, "school_ids": [str(other_world.school.id)]},
        headers=other_world.headers("school_admin"),
    )

    def shown(response: httpx.Response) -> tuple[int, str]:
        return response.status_code, response.json()["detail"]

    assert shown(mine) == shown(theirs)
    assert mine.status_code == 409
    assert "exists" not in theirs.text


@pytest.fixture
async def caching_app(settings: ApiSettings, database: Database) -> AsyncIterator[FastAPI]:
    """A second server process's worth of app on the same database, caching callers for a
    minute, as a deployment would."""
    cached = settings.model_copy(
        update={
            "auth": AuthSettings(signing_key=settings.auth.signing_key, principal_cache_seconds=60)
        }
    )
    app = create_app(cached, database)
    async with LifespanManager(app):
        yield app


async def test_tokens_end_at_once_in_another_process_that_caches_callers(
    client: httpx.AsyncClient,
    caching_app: FastAPI,
    world: World,
    staff: tuple[uuid.UUID, str],
) -> None:
    user_id, email = staff
    transport = httpx.ASGITransport(app=caching_app, client=client_address())
    async with httpx.AsyncClient(transport=transport, base_url="http://other.test") as other:
        held = await token_of(client, email)
        for _ in range(20):  # the other app listens for account changes once it has started
            if (
                await other.get(ME, headers=held)
            ).status_code == 200 and caching_app.state.runtime.principals.listening:
                break
            await asyncio.sleep(0.1)
        assert (await other.get(ME, headers=held)).status_code == 200  # now cached there

        await client.post(f"{USERS}/{user_id}/deactivate", headers=world.headers("school_admin"))
        answers = []
        for _ in range(20):
            answers.append((await other.get(ME, headers=held)).status_code)
            if answers[-1] == 401:
                break
            await asyncio.sleep(0.05)

    assert answers[-1] == 401, answers
    assert len(answers) <= 3, "heard within a few milliseconds, not at the cache's minute"
