"""`stepwise users deactivate|reactivate|set-role|reset-password`: offboarding from the command
line, through the same use cases as REST (token generations, audit entries)."""

import re
import secrets

import pytest

from api.identity.passwords import Argon2PasswordHasher
from domain.identity.identity import User
from domain.identity.identity_service import AuthenticationFailed, authenticate_user
from persistence.database import Database
from persistence.scope import Scope
from tests.cli.conftest import Stepwise, read
from tests.factories import make_urn

PASSWORD = "a long enough password"


def _teacher(stepwise: Stepwise) -> tuple[str, str]:
    """A new school and a teacher of it: (school URN, e-mail)."""
    trust, urn = f"Weald {secrets.token_hex(3)}", make_urn()
    assert stepwise("trusts", "create", "--name", trust).exit_code == 0
    made = stepwise("schools", "create", "--trust", trust, "--urn", urn, "--name",
                    f"Oak {secrets.token_hex(3)}", "--type", "special")  # fmt: skip
    assert made.exit_code == 0, made.output
    email = f"t.{secrets.token_hex(4)}@stepwise.test"
    created = stepwise("users", "create", "--email", email, "--name", "Tess Teacher",
                       "--role", "teacher", "--school", urn, "--password", PASSWORD)  # fmt: skip
    assert created.exit_code == 0, created.output
    return urn, email


def _sign_in(database_url: str, email: str, password: str) -> User:
    async def work(db: Database) -> User:
        uow = db.unit_of_work(Scope.unrestricted())
        return await authenticate_user(uow, email, password, Argon2PasswordHasher(), "cli-test")

    return read(database_url, work)


def test_a_deactivated_user_cannot_sign_in_until_reactivated(
    stepwise: Stepwise, database_url: str
) -> None:
    _, email = _teacher(stepwise)
    generation = _sign_in(database_url, email, PASSWORD).token_generation

    off = stepwise("users", "deactivate", email)
    with pytest.raises(AuthenticationFailed):
        _sign_in(database_url, email, PASSWORD)
    on = stepwise("users", "reactivate", email)

    assert off.exit_code == 0, off.output
    assert "tokens no longer work" in off.output
    assert on.exit_code == 0, on.output
    assert _sign_in(database_url, email, PASSWORD).token_generation == generation + 1


def test_a_reset_password_is_shown_once_and_works_and_a_new_role_is_taken(
    stepwise: Stepwise, database_url: str
) -> None:
    urn, email = _teacher(stepwise)

    reset = stepwise("users", "reset-password", email)
    given = re.search(r"password:\s+(\S+)", reset.output)
    promoted = stepwise("users", "set-role", email, "school_admin", "--school", urn)

    assert reset.exit_code == 0, reset.output
    assert given is not None
    assert promoted.exit_code == 0, promoted.output
    user = _sign_in(database_url, email, given[1])
    assert user.role.value == "school_admin"
    with pytest.raises(AuthenticationFailed):
        _sign_in(database_url, email, PASSWORD)


def test_an_unknown_user_is_a_clear_error(stepwise: Stepwise) -> None:
    result = stepwise("users", "deactivate", "nobody@nowhere.test")

    assert result.exit_code == 1
    assert "no user" in result.output
