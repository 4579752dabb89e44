"""Signing in, retrying and reading refusals: what every request goes through.

A token is fetched before the first request and again shortly before it expires, or once
after a 401 (the server may have restarted with a new key). A request that is safe to repeat
is retried after a dropped connection or a 429/502/503/504, waiting as `Retry-After` says,
else backing off exponentially.
"""

import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from stepwise_client.actions import Call, Close, Flow, Read, Send, Sleep
from stepwise_client.errors import (
    ApiError,
    AuthenticationFailed,
    Conflict,
    ConnectionFailed,
    Forbidden,
    NotFound,
)
from stepwise_client.models import Token, field_problems

TOKEN_PATH = "/api/v1/auth/token"  # noqa: S105 - a path, not a secret
RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class ClientCredentials:
    """An integration client (an MIS sync): `stepwise clients create` issues these."""

    client_id: str
    client_secret: str


@dataclass(frozen=True, slots=True)
class PasswordCredentials:
    """A member of staff signing in with email and password."""

    username: str
    password: str


@dataclass(frozen=True, slots=True)
class BearerToken:
    """A token obtained elsewhere; it cannot be renewed, so a 401 is final."""

    token: str


Credentials = ClientCredentials | PasswordCredentials | BearerToken


def credentials_from(
    client_id: str | None = None,
    client_secret: str | None = None,
    username: str | None = None,
    password: str | None = None,
    token: str | None = None,
) -> Credentials:
    """Exactly one way of signing in, from the constructors' keyword arguments."""
    given = [
        ClientCredentials(client_id, client_secret) if client_id and client_secret else None,
        PasswordCredentials(username, password) if username and password else None,
        BearerToken(token) if token else None,
    ]
    chosen = [c for c in given if c is not None]
    if len(chosen) != 1:
        raise ValueError(
            "give one of: client_id and client_secret, username and password, or token"
        )
    return chosen[0]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait before attempt `attempt + 1`: the server's word, else backoff."""
        if retry_after:
            asked = _retry_after_seconds(retry_after)
            if asked is not None:
                return min(max(asked, 0.0), self.max_delay)
        backoff = min(self.base_delay * 2.0 ** (attempt - 1), self.max_delay)
        # jitter spreads out clients that failed together; not a security use of randomness
        return backoff * random.uniform(0.5, 1.0)  # noqa: S311


def _retry_after_seconds(value: str) -> float | None:
    """Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - datetime.now(UTC)).total_seconds()


class Session:
    """Credentials, the current token and the retry policy: the client's only state."""

    def __init__(
        self,
        credentials: Credentials,
        policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.credentials = credentials
        self.policy = policy or RetryPolicy()
        self.clock = clock
        self.token: Token | None = None

    def bearer(self, force: bool = False) -> Flow[str]:
        """A token that has not expired, fetched when needed (or when `force`d)."""
        if isinstance(self.credentials, BearerToken):
            return self.credentials.token
        if not force and self.token is not None and self.token.fresh(self.clock()):
            return self.token.access_token
        response = yield from self.send(
            Call("POST", TOKEN_PATH, form=self._grant(), authorised=False)
        )
        yield Read(response)
        if response.is_error:
            raise refusal(response, token_endpoint=True)
        body = response.json()
        self.token = Token(str(body["access_token"]), self.clock() + float(body["expires_in"]))
        return self.token.access_token

    def _grant(self) -> dict[str, str]:
        if isinstance(self.credentials, ClientCredentials):
            return {
                "grant_type": "client_credentials",
                "client_id": self.credentials.client_id,
                "client_secret": self.credentials.client_secret,
            }
        if isinstance(self.credentials, PasswordCredentials):
            return {
                "grant_type": "password",
                "username": self.credentials.username,
                "password": self.credentials.password,
            }
        raise TypeError("a bearer token is not exchanged")

    def send(self, call: Call) -> Flow[httpx.Response]:
        """The response to `call` (body unread), signed in and retried as needed.

        Any status comes back except a 401 that a new token cures and a retryable status
        while retries remain; a connection that keeps failing raises ConnectionFailed.
        """
        attempt, renewed = 1, False
        while True:
            sent = call
            if call.authorised:
                sent = call.with_headers(Authorization=f"Bearer {(yield from self.bearer())}")
            try:
                response: httpx.Response = yield Send(sent)
            except httpx.TransportError as error:
                if not self._may_retry(call, attempt):
                    raise ConnectionFailed(_describe(error, call)) from error
                yield Sleep(self.policy.delay(attempt))
                attempt += 1
                continue
            if (
                response.status_code == 401
                and call.authorised
                and not renewed
                and not isinstance(self.credentials, BearerToken)
                and _can_resend(call)
            ):
                yield Close(response)
                self.token, renewed = None, True
                continue
            if response.status_code in RETRY_STATUSES and self._may_retry(call, attempt):
                yield Close(response)
                yield Sleep(self.policy.delay(attempt, response.headers.get("Retry-After")))
                attempt += 1
                continue
            return response

    def _may_retry(self, call: Call, attempt: int) -> bool:
        return call.retry and _can_resend(call) and attempt < self.policy.attempts

    def json(self, call: Call) -> Flow[Any]:
        """The JSON body of a successful answer; a refusal raises its ApiError."""
        response = yield from self.send(call)
        yield Read(response)
        if response.is_error:
            raise refusal(response)
        return response.json()


def _can_resend(call: Call) -> bool:
    return call.upload is None or call.upload.rereadable


def _describe(error: httpx.TransportError, call: Call) -> str:
    reason = str(error) or type(error).__name__
    return f"cannot reach the server ({call.method} {call.path}): {reason}"


def problem_body(response: httpx.Response) -> dict[str, Any]:
    """The problem+json (or JSON) body of a read response; {} when it is not JSON."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def refusal(response: httpx.Response, token_endpoint: bool = False) -> ApiError:
    """The typed exception for an error response that has been read."""
    body = problem_body(response)
    status = response.status_code
    title = str(body.get("title") or response.reason_phrase or "Error")
    detail = str(body.get("detail") or body.get("error_description") or "")
    kind: type[ApiError] = {
        401: AuthenticationFailed,
        403: Forbidden,
        404: NotFound,
        409: Conflict,
    }.get(status, ApiError)
    if token_endpoint and status in (400, 401):
        kind = AuthenticationFailed
    if not body and not detail:
        detail = response.text[:200].strip()
    return kind(status, title, detail, field_problems(body), body)
