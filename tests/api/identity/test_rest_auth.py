"""POST /auth/token (password and client_credentials grants), GET /auth/me, and bearer tokens."""

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest

from api.identity.keys import new_signing_key
from api.runtime import Runtime
from tests.api.problems import PROBLEM_JSON, assert_problem
from tests.factories import PASSWORD, World

TOKEN = "/api/v1/auth/token"
ME = "/api/v1/auth/me"


async def _token(client: httpx.AsyncClient, **form: str) -> httpx.Response:
    return await client.post(TOKEN, data=form)


def _assert_oauth_error(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    body = assert_problem(response, status)
    assert body["error"] == error
    assert body["error_description"] == body["detail"]
    assert body["type"] == f"urn:stepwise:problem:oauth:{error}"
    return body


def _basic(client_id: str, secret: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


# --- password grant ---------------------------------------------------------------------


async def test_password_grant_issues_a_bearer_token_for_the_user(
    client: httpx.AsyncClient, shared_world: World, runtime: Runtime
) -> None:
    teacher = shared_world.users["teacher"]
    response = await _token(
        client, grant_type="password", username=teacher.email, password=PASSWORD
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == runtime.settings.auth.access_token_minutes * 60
    verified = runtime.tokens.verify(body["access_token"])
    assert (verified.kind, verified.subject) == ("user", str(teacher.id))


async def test_password_grant_matches_the_email_whatever_its_case(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    email = shared_world.users["school_admin"].email.upper()
    response = await _token(client, grant_type="password", username=email, password=PASSWORD)
    assert response.status_code == 200, response.text


async def test_password_grant_with_a_wrong_password_is_invalid_grant(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await _token(
        client,
        grant_type="password",
        username=shared_world.users["teacher"].email,
        password="not the password",
    )
    _assert_oauth_error(response, 400, "invalid_grant")
    assert "www-authenticate" not in response.headers


async def test_password_grant_for_an_unknown_user_is_refused_like_a_wrong_password(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    wrong_password = await _token(
        client,
        grant_type="password",
        username=shared_world.users["teacher"].email,
        password="not the password",
    )
    unknown_user = await _token(
        client, grant_type="password", username="nobody@stepwise.test", password=PASSWORD
    )
    body = _assert_oauth_error(unknown_user, 400, "invalid_grant")
    expected = wrong_password.json()
    assert body["detail"] == expected["detail"]
    assert body["error_description"] == expected["error_description"]


async def test_password_grant_without_a_password_is_invalid_request(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await _token(
        client, grant_type="password", username=shared_world.users["teacher"].email
    )
    _assert_oauth_error(response, 400, "invalid_request")


# --- client_credentials grant -------------------------------------------------------------


async def test_client_credentials_in_the_form_issue_a_client_token(
    client: httpx.AsyncClient, shared_world: World, runtime: Runtime
) -> None:
    response = await _token(
        client,
        grant_type="client_credentials",
        client_id=shared_world.client_id,
        client_secret=shared_world.client_secret,
    )
    assert response.status_code == 200, response.text
    verified = runtime.tokens.verify(response.json()["access_token"])
    assert (verified.kind, verified.subject) == ("client", shared_world.client_id)


async def test_client_credentials_over_http_basic_issue_a_client_token_that_reads_pupils(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.post(
        TOKEN,
        data={"grant_type": "client_credentials"},
        headers=_basic(shared_world.client_id, shared_world.client_secret),
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    pupils = await client.get(
        "/api/v1/pupils",
        params={"school_id": str(shared_world.school.id)},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert pupils.status_code == 200, pupils.text
    assert {p["id"] for p in pupils.json()["items"]} >= {str(p.id) for p in shared_world.pupils}


@pytest.mark.parametrize("over_basic", [False, True], ids=["form", "basic"])
async def test_client_credentials_with_a_wrong_secret_are_invalid_client(
    client: httpx.AsyncClient, shared_world: World, over_basic: bool
) -> None:
    if over_basic:
        response = await client.post(
            TOKEN,
            data={"grant_type": "client_credentials"},
            headers=_basic(shared_world.client_id, "wrong-secret"),
        )
    else:
        response = await _token(
            client,
            grant_type="client_credentials",
            client_id=shared_world.client_id,
            client_secret="wrong-secret",
        )
    _assert_oauth_error(response, 401, "invalid_client")
    assert response.headers["www-authenticate"].startswith("Basic")


async def test_client_credentials_for_an_unknown_client_are_invalid_client(
    client: httpx.AsyncClient,
) -> None:
    response = await _token(
        client, grant_type="client_credentials", client_id="sw_nobody", client_secret="secret"
    )
    _assert_oauth_error(response, 401, "invalid_client")


async def test_client_credentials_without_credentials_are_invalid_client(
    client: httpx.AsyncClient,
) -> None:
    response = await _token(client, grant_type="client_credentials")
    _assert_oauth_error(response, 401, "invalid_client")


async def test_an_unsupported_grant_type_is_refused(client: httpx.AsyncClient) -> None:
    response = await _token(client, grant_type="authorization_code", code="abc")
    _assert_oauth_error(response, 400, "unsupported_grant_type")


async def test_a_token_request_without_a_grant_type_names_grant_type(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(TOKEN, data={"username": "a@b.cd"})
    assert_problem(response, 422, "grant_type", "missing")


# --- /auth/me -------------------------------------------------------------------------------


async def test_me_lists_a_teachers_school_trust_and_permissions(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(ME, headers=shared_world.headers("teacher"))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "subject": str(shared_world.users["teacher"].id),
        "name": "Teacher",
        "role": "teacher",
        "trust_id": None,
        "school_ids": [str(shared_world.school.id)],
        "trust_ids": [str(shared_world.trust.id)],
        "permissions": ["read_analytics", "read_roster", "write_assessment"],
        "pseudonymised": False,
    }


async def test_me_lists_every_school_of_the_trust_for_a_trust_admin(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(ME, headers=shared_world.headers("trust_admin"))
    assert response.status_code == 200, response.text
    me = response.json()
    assert me["role"] == "trust_admin"
    assert me["trust_id"] == str(shared_world.trust.id)
    assert set(me["school_ids"]) >= {str(shared_world.school.id), str(shared_world.other_school.id)}
    assert "manage_trust" in me["permissions"]
    assert me["pseudonymised"] is False


async def test_me_says_a_trust_analyst_is_pseudonymised_and_read_only(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(ME, headers=shared_world.headers("trust_analyst"))
    assert response.status_code == 200, response.text
    me = response.json()
    assert me["pseudonymised"] is True
    assert me["permissions"] == ["read_analytics", "read_roster"]


async def test_me_lists_an_integration_clients_granted_permissions_and_schools(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(ME, headers=shared_world.headers("integration"))
    assert response.status_code == 200, response.text
    me = response.json()
    assert me["subject"] == shared_world.client_id
    assert me["role"] == "integration"
    assert me["name"] == "MIS sync"
    assert me["school_ids"] == [str(shared_world.school.id)]
    assert me["permissions"] == ["read_roster", "write_assessment"]


# --- tokens the API must refuse --------------------------------------------------------------


def _claims(world: World, **changes: Any) -> dict[str, Any]:
    """Claims of a valid teacher token, as integers where JWT wants NumericDates."""
    auth = world.runtime.settings.auth
    now = int(datetime.now(UTC).timestamp())
    claims: dict[str, Any] = {
        "iss": auth.issuer,
        "aud": auth.audience,
        "sub": str(world.users["teacher"].id),
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "jti": str(uuid.uuid4()),
        "kind": "user",
        "role": "teacher",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _signed(world: World, claims: dict[str, Any]) -> str:
    """Signed with the service's own key: only the claims can make it invalid."""
    key = world.runtime.settings.auth.signing_key
    assert key is not None
    return jwt.encode(claims, key.get_secret_value(), algorithm="RS256")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"


def _alg_none(world: World) -> str:
    return _unsigned({"alg": "none", "typ": "JWT"}, _claims(world)) + "."


def _hs256_with_public_key(world: World) -> str:
    """The classic key-confusion attack: HMAC with the RSA public key as the secret."""
    signing_input = _unsigned({"alg": "HS256", "typ": "JWT"}, _claims(world))
    secret = world.runtime.tokens.public_key_pem
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _another_key(world: World) -> str:
    return jwt.encode(_claims(world), new_signing_key().decode(), algorithm="RS256")


def _expired(world: World) -> str:
    issued = datetime.now(UTC) - timedelta(hours=3)
    return world.runtime.tokens.issue(str(world.users["teacher"].id), "user", "teacher", now=issued)


def _shifted(seconds: int) -> Callable[[World], str]:
    def build(world: World) -> str:
        now = int(datetime.now(UTC).timestamp())
        return _signed(world, _claims(world, iat=now + seconds, nbf=now + seconds))

    return build


INVALID_TOKENS: dict[str, Callable[[World], str]] = {
    "signed-with-another-key": _another_key,
    "expired": _expired,
    "alg-none": _alg_none,
    "hs256-signed-with-the-public-key": _hs256_with_public_key,
    "wrong-audience": lambda w: _signed(w, _claims(w, aud="someone-else")),
    "wrong-issuer": lambda w: _signed(w, _claims(w, iss="https://evil.example")),
    "not-valid-yet": _shifted(3600),
    "without-exp": lambda w: _signed(w, _claims(w, exp=None)),
    "without-kind": lambda w: _signed(w, _claims(w, kind=None)),
    "unknown-kind": lambda w: _signed(w, _claims(w, kind="robot")),
    "tampered-claims": lambda w: (
        _unsigned({"alg": "RS256", "typ": "JWT"}, _claims(w, role="trust_admin"))
        + "."
        + _signed(w, _claims(w)).rsplit(".", 1)[1]
    ),
    "not-a-jwt": lambda w: "not-a-token",
    "unknown-user": lambda w: _signed(w, _claims(w, sub=str(uuid.uuid4()))),
    "user-subject-not-a-uuid": lambda w: _signed(w, _claims(w, sub="teacher")),
    "unknown-client": lambda w: _signed(w, _claims(w, sub="sw_nobody", kind="client")),
}


async def test_a_token_signed_with_the_service_key_and_valid_claims_is_accepted(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    """The control for the refusals below: only the one thing each one changes is wrong."""
    token = _signed(shared_world, _claims(shared_world))
    response = await client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("build", INVALID_TOKENS.values(), ids=INVALID_TOKENS.keys())
async def test_an_invalid_bearer_token_is_refused_with_401(
    client: httpx.AsyncClient, shared_world: World, build: Callable[[World], str]
) -> None:
    response = await client.get(ME, headers={"Authorization": f"Bearer {build(shared_world)}"})
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == 'Bearer realm="stepwise"'


async def test_a_request_without_a_token_is_refused_with_a_bearer_challenge(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(ME)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == 'Bearer realm="stepwise"'


async def test_basic_credentials_are_no_bearer_token_for_the_api(
    client: httpx.AsyncClient, shared_world: World
) -> None:
    response = await client.get(
        ME, headers=_basic(shared_world.client_id, shared_world.client_secret)
    )
    assert_problem(response, 401)
    assert response.headers["content-type"] == PROBLEM_JSON
