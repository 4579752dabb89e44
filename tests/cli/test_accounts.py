"""Trusts, schools, users and integration clients from the command line."""

import asyncio
import re
import secrets

import httpx
from asgi_lifespan import LifespanManager

from api.app import create_app
from api.identity.passwords import Argon2PasswordHasher
from api.settings import ApiSettings
from domain.identity.identity_service import authenticate_client
from persistence.database import Database
from persistence.scope import Scope
from tests.cli.conftest import Stepwise, read
from tests.factories import make_urn

PASSWORD = "correct horse battery staple"


def _trust_with_school(stepwise: Stepwise) -> tuple[str, str]:
    """A new trust (by name) with one special school (by URN)."""
    trust, urn = f"Downs Federation {secrets.token_hex(3)}", make_urn()
    made = stepwise("trusts", "create", "--name", trust, "--kind", "federation")
    assert made.exit_code == 0, made.output
    school = stepwise(
        "schools",
        "create",
        "--trust",
        trust,
        "--urn",
        urn,
        "--name",
        "Oak Bank",
        "--type",
        "special",
    )
    assert school.exit_code == 0, school.output
    return trust, urn


def _token(email: str, password: str) -> httpx.Response:
    """Sign in through the app's token endpoint, as a browser or MIS would."""

    async def sign_in() -> httpx.Response:
        app = create_app(ApiSettings())
        transport = httpx.ASGITransport(app=app)
        async with (
            LifespanManager(app),
            httpx.AsyncClient(transport=transport, base_url="http://stepwise.test") as http,
        ):
            return await http.post(
                "/api/v1/auth/token",
                data={"grant_type": "password", "username": email, "password": password},
            )

    return asyncio.run(sign_in())


def test_a_school_is_created_in_a_trust_named_on_the_command_line(stepwise: Stepwise) -> None:
    trust = f"Downs Federation {secrets.token_hex(3)}"
    assert stepwise("trusts", "create", "--name", trust).exit_code == 0
    urn = make_urn()

    made = stepwise(
        "schools", "create", "--trust", trust, "--urn", urn, "--name", "Oak Bank", "--type", "ap"
    )

    assert made.exit_code == 0, made.output
    assert f"Created school Oak Bank (URN {urn}, ap)" in made.output
    assert f"in trust: {trust}" in made.output


def test_a_second_school_with_the_same_urn_is_a_conflict(stepwise: Stepwise) -> None:
    trust, urn = _trust_with_school(stepwise)

    again = stepwise(
        "schools", "create", "--trust", trust, "--urn", urn, "--name", "X", "--type", "ap"
    )

    assert again.exit_code == 1
    assert "Conflict (urn): a school with this URN exists" in again.output


def test_an_unknown_trust_is_reported_without_a_traceback(stepwise: Stepwise) -> None:
    result = stepwise(
        "schools",
        "create",
        "--trust",
        "No Such Trust",
        "--urn",
        make_urn(),
        "--name",
        "X",
        "--type",
        "special",
    )

    assert result.exit_code == 1
    assert "Not found: trust 'No Such Trust'" in result.output
    assert "Traceback" not in result.output


def test_a_user_created_with_a_prompted_password_can_get_a_token(stepwise: Stepwise) -> None:
    _, urn = _trust_with_school(stepwise)
    email = f"teacher.{secrets.token_hex(4)}@oakbank.example"

    made = stepwise(
        "users", "create", "--email", email, "--name", "Ana Teacher", "--role", "teacher",
        "--school", urn, input=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip

    assert made.exit_code == 0, made.output
    assert PASSWORD not in made.output  # the prompt hides what is typed
    response = _token(email, PASSWORD)
    assert response.status_code == 200, response.text
    assert response.json()["token_type"].lower() == "bearer"
    listed = stepwise("users", "list")
    assert re.search(rf"{re.escape(email)}\s+Ana Teacher\s+teacher\s+Oak Bank\s+yes", listed.output)


def test_a_bad_email_exits_1_naming_the_rule(stepwise: Stepwise) -> None:
    _, urn = _trust_with_school(stepwise)

    result = stepwise(
        "users", "create", "--email", "not-an-email", "--name", "X", "--role", "teacher",
        "--school", urn, "--password", "short",
    )  # fmt: skip

    assert result.exit_code == 1
    assert "email: not an email address" in result.output
    assert "password: at least 10 characters" in result.output
    assert "Traceback" not in result.output


def test_a_trust_role_given_schools_is_a_usage_error(stepwise: Stepwise) -> None:
    trust, urn = _trust_with_school(stepwise)

    result = stepwise(
        "users", "create", "--email", "a@b.example", "--name", "X", "--role", "trust_admin",
        "--trust", trust, "--school", urn, "--password", PASSWORD,
    )  # fmt: skip

    assert result.exit_code == 2
    assert "trust roles see every school of their trust" in result.output


def test_a_client_secret_is_printed_once_and_authenticates(
    stepwise: Stepwise, database_url: str
) -> None:
    _, urn = _trust_with_school(stepwise)

    result = stepwise(
        "clients", "create", "--name", "MIS sync", "--permission", "read_roster",
        "--permission", "write_assessment", "--school", urn,
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    client_id = re.search(r"client_id:\s+(\S+)", result.output)
    secret = re.search(r"client_secret:\s+(\S+)", result.output)
    assert client_id is not None
    assert secret is not None
    assert result.output.count(secret[1]) == 1
    assert "cannot show it again" in result.output

    async def check(db: Database) -> str:
        uow = db.unit_of_work(Scope.unrestricted())
        client = await authenticate_client(
            uow, client_id[1], secret[1], Argon2PasswordHasher(), "test"
        )
        return client.secret_hash

    stored = read(database_url, check)
    assert stored != secret[1]
    assert secret[1] not in stepwise("users", "list").output


def test_an_admin_permission_cannot_be_granted_to_a_client(stepwise: Stepwise) -> None:
    _, urn = _trust_with_school(stepwise)

    result = stepwise(
        "clients", "create", "--name", "Too much", "--permission", "manage_school", "--school", urn
    )

    assert result.exit_code == 1
    assert "permissions: cannot be granted to a client: manage_school" in result.output
