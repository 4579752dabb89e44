"""Fuzz every REST operation from the OpenAPI document: no 5xx, and every answer is one the
document declares (status, media type, headers, body), problems included.

Schemathesis draws a few derandomized cases per operation (the same cases every run); they
are sent in-process through httpx's ASGI transport with a school admin's or a teacher's
token. The app lives on the session's event loop, so cases are drawn first and sent after.
Schema-valid cases must not be refused as malformed; schema-violating ones must be refused.
Each operation that says it needs a token is also asked without one and with a forged one.
"""

from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis.errors import Unsatisfiable
from requests.structures import CaseInsensitiveDict
from schemathesis import Case
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Err
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tests.factories import World
from tests.fuzz.cases import EXAMPLES_PER_OPERATION, draw_cases

pytestmark = pytest.mark.fuzz

PROBLEM_JSON = "application/problem+json"

CONFORMANCE: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

#: Schema-valid input may still break a rule JSON Schema cannot state (a pupil that does not
#: exist, a module after the year has ended, an ETag that is no longer current): 412 and 422 are
#: the domain refusing. 400 and 428 are left out: a document looser than what the code accepts
#: (an If-Match or cursor shape, a required header) is a finding.
ACCEPTED = ["2xx", "401", "403", "404", "409", "412", "422"]

#: Operations where schema-valid input is refused with 400 by design (schemathesis false
#: positives for positive_data_acceptance only; every other check still runs on them).
REFUSED_WHEN_WELL_FORMED = {
    "POST /api/v1/auth/token": "RFC 6749 §5.2: wrong credentials are 400 invalid_grant",
    "GET /api/v1/changes": "`since` is opaque base64url; one this feed did not issue is 400",
}

#: (caller, generation mode, cases per operation). Negative cases are refused by validation
#: before any role check, so one caller is enough for them.
RUNS = [
    ("school_admin", GenerationMode.POSITIVE, EXAMPLES_PER_OPERATION),
    ("teacher", GenerationMode.POSITIVE, EXAMPLES_PER_OPERATION),
    ("school_admin", GenerationMode.NEGATIVE, 3),
]


def _schema(app: FastAPI) -> OpenApiSchema:
    """The app's document, with an explicit config (no schemathesis.toml is looked for)."""
    config = SchemathesisConfig.from_dict(
        {"checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}}}
    )
    return schemathesis.openapi.from_dict(app.openapi(), config=config)


def _checks(case: Case[Any], mode: GenerationMode) -> list[CheckFunction]:
    if mode is GenerationMode.NEGATIVE:
        return [*CONFORMANCE, negative_data_rejection]
    if case.operation.label in REFUSED_WHEN_WELL_FORMED:
        return CONFORMANCE
    return [*CONFORMANCE, positive_data_acceptance]


def _as_caller(case: Case[Any], token: str | None) -> Case[Any]:
    """The case with the caller's token in its headers (or none), replacing any generated one.

    The token belongs in the case, not only on the wire: the negative checks judge the case's
    own headers, so a token added outside it would be judged missing."""
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    case.headers = CaseInsensitiveDict(headers)
    return case


def _request_kwargs(case: Case[Any]) -> dict[str, Any]:
    """Schemathesis serialises for `requests`; httpx takes raw bodies as `content`."""
    kwargs = case.as_transport_kwargs()
    if isinstance(kwargs.get("data"), bytes | str):
        kwargs["content"] = kwargs.pop("data")
    if not kwargs.get("cookies"):
        kwargs.pop("cookies", None)
    return kwargs


def _forged(token: str) -> str:
    """The same claims under a signature the server never made."""
    header, claims, signature = token.split(".")
    return f"{header}.{claims}.{signature[::-1]}"


async def _auth_ignored(client: httpx.AsyncClient, case: Case[Any], token: str) -> list[str]:
    """A case that succeeded with the token, sent again without it and with a forged one."""
    failures = []
    for label, credential in (("no token", None), ("forged token", _forged(token))):
        response = await client.request(**_request_kwargs(_as_caller(case, credential)))
        problem = response.headers.get("content-type") == PROBLEM_JSON
        challenged = "www-authenticate" in response.headers
        if response.status_code != 401 or not problem or not challenged:
            failures.append(f"{case.operation.label}: {label} got {response.status_code}")
    _as_caller(case, token)
    return failures


@pytest.mark.parametrize(("who", "mode", "examples"), RUNS, ids=lambda v: str(v))
async def test_every_operation_answers_fuzzed_input_as_documented(
    app: FastAPI,
    client: httpx.AsyncClient,
    world: World,
    who: str,
    mode: GenerationMode,
    examples: int,
) -> None:
    schema = _schema(app)
    token = world.tokens[who]
    failures: list[str] = []
    answered: set[int] = set()
    operations = probes = 0
    for result in schema.get_all_operations():
        assert not isinstance(result, Err), result.err()
        operation = result.ok()
        operations += 1
        try:
            cases = draw_cases(operation.as_strategy(generation_mode=mode), examples)
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE, operation.label
            continue  # nothing in this operation's request can be made invalid
        probed = not operation.definition.raw.get("security")
        for case in cases:
            response = await client.request(**_request_kwargs(_as_caller(case, token)))
            answered.add(response.status_code)
            try:
                case.validate_response(response, checks=_checks(case, mode))
            except FailureGroup as failure:
                failures.append(f"{operation.label}\n{failure}")
            if not probed and response.is_success:
                failures += await _auth_ignored(client, case, token)
                probed, probes = True, probes + 1
    assert operations > 0
    if mode is GenerationMode.POSITIVE:
        assert any(200 <= status < 300 for status in answered), "no case got past validation"
        assert probes > 10, "too few operations answered, so too few were asked without a token"
    else:
        assert any(400 <= status < 500 for status in answered), "no case was refused"
    assert not failures, "\n\n".join(failures)
