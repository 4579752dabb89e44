"""Sign-in is throttled (issue 13.2): wrong passwords and secrets make an account, and an
address, wait; the count is PostgreSQL's, so every server process sees it; failures are
audited without what was typed; an unknown account is answered and costs exactly as a wrong
password does.

Regression: 200 wrong passwords for one account in 22 s were all answered 400, and then the
right password worked at once.
"""

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import text

from api.app import create_app
from api.runtime import Runtime
from api.settings import ApiSettings
from domain.identity import identity_service as identity
from domain.kernel.access import Principal, Role
from persistence.database import Database
from tests.api.graphql_support import counting_statements
from tests.conftest import client_address
from tests.factories import PASSWORD, World

TOKEN = "/api/v1/auth/token"


async def _user(world: World, role: Role = Role.TEACHER) -> str:
    email = f"throttle.{uuid.uuid4().hex[:8]}@stepwise.test"
    await identity.create_user(
        world.runtime.system_uow(),
        Principal.system(),
        identity.CreateUser(
            email=email,
            name="Throttled Teacher",
            role=role,
            password=PASSWORD,
            school_ids=frozenset({world.school.id}),
        ),
        world.runtime.hasher,
    )
    return email


def _password(username: str, password: str) -> dict[str, str]:
    return {"grant_type": "password", "username": username, "password": password}


@pytest.fixture
async def address(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of one address of its own, for the test's attempts."""
    transport = httpx.ASGITransport(app=app, client=client_address())
    async with httpx.AsyncClient(transport=transport, base_url="http://stepwise.test") as http:
        yield http


async def test_after_five_wrong_passwords_even_the_right_one_must_wait(
    address: httpx.AsyncClient, world: World
) -> None:
    email = await _user(world)

    statuses = [
        (await address.post(TOKEN, data=_password(email, "wrong guess"))).status_code
        for _ in range(20)
    ]
    right = await address.post(TOKEN, data=_password(email, PASSWORD))

    assert statuses == [400] * 6 + [429] * 14
    assert right.status_code == 429
    assert right.headers["retry-after"] == "1"
    assert right.headers["cache-control"] == "no-store"
    assert right.json()["error"] == "too_many_attempts"
    assert PASSWORD not in right.text


async def test_each_further_failure_doubles_the_wait_and_a_success_clears_the_count(
    address: httpx.AsyncClient, world: World, runtime: Runtime
) -> None:
    email = await _user(world)
    for _ in range(6):
        await address.post(TOKEN, data=_password(email, "wrong guess"))
    await _expire_waits(runtime)
    seventh = await address.post(TOKEN, data=_password(email, "wrong guess"))
    waiting = await address.post(TOKEN, data=_password(email, "wrong guess"))
    await _expire_waits(runtime)

    signed_in = await address.post(TOKEN, data=_password(email, PASSWORD))
    after = [
        (await address.post(TOKEN, data=_password(email, "wrong guess"))).status_code
        for _ in range(5)
    ]

    assert seventh.status_code == 400
    assert (waiting.status_code, waiting.headers["retry-after"]) == (429, "2")
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.headers["cache-control"] == "no-store"
    assert after == [400] * 5


async def _expire_waits(runtime: Runtime) -> None:
    """As if the wait had passed (the count itself stays)."""
    async with runtime.database.engine.begin() as connection:
        await connection.execute(text("UPDATE sign_in_failures SET blocked_until = NULL"))


async def test_an_unknown_account_is_answered_exactly_as_a_wrong_password(
    address: httpx.AsyncClient, world: World
) -> None:
    email = await _user(world)
    unknown = f"nobody.{uuid.uuid4().hex[:8]}@stepwise.test"

    def seen(response: httpx.Response) -> tuple[int, str | None, str]:
        body = {k: v for k, v in response.json().items() if k != "correlation_id"}
        return response.status_code, response.headers.get("retry-after"), str(body)

    known_answers = [
        seen(await address.post(TOKEN, data=_password(email, "wrong"))) for _ in range(7)
    ]
    unknown_answers = [
        seen(await address.post(TOKEN, data=_password(unknown, "wrong"))) for _ in range(7)
    ]

    assert known_answers == unknown_answers
    assert [status for status, _, _ in known_answers] == [400] * 6 + [429]


async def test_an_unknown_account_costs_the_same_statements_and_hashing_as_a_wrong_password(
    runtime: Runtime, world: World
) -> None:
    """No difference in timing: the same statements, and one argon2 check with the same costs
    (an unknown account is checked against a hash made with the hasher's own settings)."""
    email = await _user(world)
    unknown = f"nobody.{uuid.uuid4().hex[:8]}@stepwise.test"
    rules = runtime.settings.auth.sign_in_rules()

    async def attempt(who: str) -> list[str]:
        with (
            counting_statements(runtime) as statements,
            pytest.raises(identity.AuthenticationFailed),
        ):
            await identity.authenticate_user(
                runtime.system_uow(), who, "wrong", runtime.hasher, "192.0.2.1", rules=rules
            )
        return [" ".join(s.split())[:60] for s in statements]

    assert await attempt(email) == await attempt(unknown)
    async with runtime.system_uow() as uow:
        user = await uow.users.by_email(email)
    assert user is not None
    assert user.password_hash.split("$")[3] == runtime.hasher._dummy.split("$")[3]


async def test_an_address_trying_many_accounts_waits_while_another_address_does_not(
    app: FastAPI, world: World
) -> None:
    emails = [await _user(world) for _ in range(3)]
    guesses = [_password(f"guess{n}.{uuid.uuid4().hex[:6]}@x.test", "wrong") for n in range(50)]
    attacker = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=client_address()),
        base_url="http://stepwise.test",
    )
    colleague = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=client_address()),
        base_url="http://stepwise.test",
    )
    async with attacker, colleague:
        tried = [(await attacker.post(TOKEN, data=guess)).status_code for guess in guesses]
        last = await attacker.post(TOKEN, data=_password(emails[0], "wrong"))
        blocked = await attacker.post(TOKEN, data=_password(emails[1], PASSWORD))
        elsewhere = await colleague.post(TOKEN, data=_password(emails[2], PASSWORD))

    assert tried == [400] * 50
    assert last.status_code == 400  # the 51st failure from the address: it now waits
    assert blocked.status_code == 429
    assert elsewhere.status_code == 200


async def test_a_client_secret_is_throttled_as_a_password_is(
    address: httpx.AsyncClient, world: World
) -> None:
    wrong = {
        "grant_type": "client_credentials",
        "client_id": world.client_id,
        "client_secret": "guess",
    }
    right = wrong | {"client_secret": world.client_secret}

    statuses = [(await address.post(TOKEN, data=wrong)).status_code for _ in range(7)]
    after = await address.post(TOKEN, data=right)

    assert statuses == [401] * 6 + [429]
    assert after.status_code == 429


async def test_failed_sign_ins_are_in_the_audit_log_without_what_was_typed(
    address: httpx.AsyncClient, client: httpx.AsyncClient, world: World
) -> None:
    email = await _user(world)
    typed = f"Secret-{uuid.uuid4().hex[:8]}"
    await address.post(TOKEN, data=_password(email, typed))

    listed = await client.get(
        "/api/v1/audit",
        params={"school_id": str(world.school.id), "action": "sign_in_failed"},
        headers=world.headers("school_admin"),
    )

    assert listed.status_code == 200, listed.text
    (entry,) = [e for e in listed.json()["items"] if e["resource"] == "users"][:1]
    assert entry["changes"]["grant"] == "password"
    assert entry["changes"]["address"].startswith("198.51.")
    assert typed not in listed.text
    assert email not in listed.text


async def test_the_count_is_shared_by_every_server_process(
    settings: ApiSettings, database: Database, address: httpx.AsyncClient, world: World
) -> None:
    """Failures made through one app are waited out through another on the same database."""
    email = await _user(world)
    for _ in range(6):
        await address.post(TOKEN, data=_password(email, "wrong"))
    other = create_app(settings, database)
    async with LifespanManager(other):
        transport = httpx.ASGITransport(app=other, client=client_address())
        async with httpx.AsyncClient(transport=transport, base_url="http://other.test") as http:
            elsewhere = await http.post(TOKEN, data=_password(email, PASSWORD))

    assert elsewhere.status_code == 429
