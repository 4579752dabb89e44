"""`stepwise clients list` and `stepwise clients revoke`: seeing and ending machine credentials."""

import re
import secrets

import pytest

from api.identity.passwords import Argon2PasswordHasher
from domain.identity.identity_service import AuthenticationFailed, authenticate_client
from persistence.database import Database
from persistence.scope import Scope
from tests.cli.conftest import Stepwise, read
from tests.factories import make_urn


def _client(stepwise: Stepwise) -> tuple[str, str, str]:
    """A new school with a client: (school name, client_id, secret)."""
    trust, urn, name = f"Weald {secrets.token_hex(3)}", make_urn(), f"Oak {secrets.token_hex(3)}"
    assert stepwise("trusts", "create", "--name", trust).exit_code == 0
    made = stepwise(
        "schools", "create", "--trust", trust, "--urn", urn, "--name", name, "--type", "special"
    )
    assert made.exit_code == 0, made.output
    issued = stepwise(
        "clients", "create", "--name", "Arbor sync", "--permission", "write_assessment",
        "--school", urn,
    )  # fmt: skip
    assert issued.exit_code == 0, issued.output
    client_id = re.search(r"client_id:\s+(\S+)", issued.output)
    secret = re.search(r"client_secret:\s+(\S+)", issued.output)
    assert client_id is not None
    assert secret is not None
    return name, client_id[1], secret[1]


def _sign_in(database_url: str, client_id: str, secret: str) -> None:
    async def work(db: Database) -> None:
        uow = db.unit_of_work(Scope.unrestricted())
        await authenticate_client(uow, client_id, secret, Argon2PasswordHasher(), "test")

    read(database_url, work)


def test_the_list_shows_scope_permissions_and_use_but_never_the_secret(
    stepwise: Stepwise, database_url: str
) -> None:
    school, client_id, secret = _client(stepwise)
    _sign_in(database_url, client_id, secret)

    listed = stepwise("clients", "list")

    assert listed.exit_code == 0, listed.output
    [line] = [row for row in listed.output.splitlines() if client_id in row]
    assert "Arbor sync" in line
    assert "write_assessment" in line
    assert school in line
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d\s+-\s*$", line), line  # used, not revoked
    assert secret not in listed.output


def test_a_revoked_client_can_no_longer_sign_in(stepwise: Stepwise, database_url: str) -> None:
    _, client_id, secret = _client(stepwise)

    revoked = stepwise("clients", "revoke", client_id)
    again = stepwise("clients", "revoke", client_id)

    assert revoked.exit_code == 0, revoked.output
    assert f"Revoked integration client Arbor sync ({client_id})" in revoked.output
    assert again.exit_code == 0, again.output
    assert again.output == revoked.output  # the first revocation time stands
    with pytest.raises(AuthenticationFailed):
        _sign_in(database_url, client_id, secret)


def test_revoking_an_unknown_client_exits_1(stepwise: Stepwise) -> None:
    result = stepwise("clients", "revoke", "sw_nosuchclient")

    assert result.exit_code == 1
    assert "Not found" in result.output
    assert "Traceback" not in result.output
