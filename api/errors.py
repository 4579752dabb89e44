"""Every failure as an RFC 9457 problem+json body, in one place.

DomainError family      -> 403 / 404 / 409 / 412 / 422
request validation      -> 422 with one {field, reason} per problem
missing If-Match        -> 428
bad or missing token    -> 401 with WWW-Authenticate
database unavailable    -> 503 with Retry-After (also: no pooled connection in time)
statement timeout       -> 503 with Retry-After, saying the request asked too much at a time
anything else           -> 500, logged with its correlation id, nothing leaked
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.body_limit import BodyTooLarge
from api.body_limit import problem as body_problem
from api.log_privacy import described
from domain.identity.identity_service import AuthenticationFailed
from domain.kernel.errors import (
    Conflict,
    DomainError,
    InvariantViolation,
    NotFound,
    PermissionDenied,
    Problem,
    StaleVersion,
)
from domain.privacy.retention import RetentionHeld
from persistence.availability import database_unavailable, statement_timed_out

logger = logging.getLogger("stepwise.api")

#: what a 503 asks clients to wait, in seconds: REST, GraphQL and /ready alike
RETRY_AFTER_SECONDS = "2"

PROBLEM_JSON = "application/problem+json"


class ApiProblem(Exception):
    """An HTTP-level refusal raised by adapters (auth, headers, cursors)."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        problems: list[Problem] | None = None,
        headers: dict[str, str] | None = None,
        kind: str | None = None,
    ) -> None:
        self.status = status
        self.title = title
        self.detail = detail
        self.problems = problems or []
        self.headers = headers or {}
        self.kind = kind or title.lower().replace(" ", "-")
        super().__init__(detail or title)


def unauthorised(detail: str = "a valid bearer token is required") -> ApiProblem:
    return ApiProblem(
        401, "Unauthorised", detail, headers={"WWW-Authenticate": 'Bearer realm="stepwise"'}
    )


def problem_response(
    request: Request,
    status: int,
    kind: str,
    title: str,
    detail: str = "",
    problems: list[Problem] | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:stepwise:problem:{kind}",
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.url.path,
        "correlation_id": getattr(request.state, "correlation_id", None),
    }
    if problems:
        body["errors"] = [{"field": p.field, "reason": p.reason, "code": p.code} for p in problems]
    body |= extensions or {}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [p for p in loc if p not in ("body", "query", "path", "header", "form")]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part and not str(part).startswith(("function-", "constrained-")):
            path += f".{part}" if path else str(part)
    return path or str(loc[0] if loc else "body")


def _domain_status(error: DomainError) -> tuple[int, str, str, list[Problem]]:
    if isinstance(error, NotFound):
        return 404, "not-found", f"{error.entity} not found", []
    if isinstance(error, PermissionDenied):
        return 403, "forbidden", error.reason, []
    if isinstance(error, InvariantViolation):
        return 422, "validation", "the request breaks a rule; see errors", error.problems
    if isinstance(error, StaleVersion):
        return 412, "stale-version", str(error), []
    if isinstance(error, RetentionHeld):
        held = Problem("school_decision", error.reason, "retention")
        return 409, "retention", error.reason, [held]
    if isinstance(error, Conflict):
        problems = [Problem(error.field, error.reason, "conflict")] if error.field else []
        return 409, "conflict", error.reason, problems
    return 400, "bad-request", str(error), []


def add_exception_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        status, kind, detail, problems = _domain_status(error)
        title = {
            404: "Not found",
            403: "Forbidden",
            422: "Invalid request",
            412: "Precondition failed",
            409: "Conflict",
        }.get(status, "Bad request")
        # a refused erasure says when the pupil becomes erasable (RFC 9457 extension member)
        extensions = (
            {"erasable_on": error.erasable_on.isoformat()}
            if isinstance(error, RetentionHeld)
            else None
        )
        return problem_response(
            request, status, kind, title, detail, problems, extensions=extensions
        )

    @app.exception_handler(ApiProblem)
    async def api_problem(request: Request, error: ApiProblem) -> JSONResponse:
        return problem_response(
            request,
            error.status,
            error.kind,
            error.title,
            error.detail,
            error.problems,
            error.headers,
        )

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, error: BodyTooLarge) -> JSONResponse:
        body = body_problem(error.limit, request.url.path)
        body["correlation_id"] = getattr(request.state, "correlation_id", None)
        return JSONResponse(body, status_code=413, media_type=PROBLEM_JSON)

    @app.exception_handler(AuthenticationFailed)
    async def authentication_failed(request: Request, error: AuthenticationFailed) -> JSONResponse:
        problem = unauthorised("the token's subject can no longer sign in")
        return await api_problem(request, problem)

    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            Problem(
                # a JSON syntax error's loc is ("body", <character offset>): name the body
                "body" if e.get("type") == "json_invalid" else _field_path(tuple(e.get("loc", ()))),
                str(e.get("msg", "invalid")),
                str(e.get("type", "invalid")),
            )
            for e in error.errors()
        ]
        return problem_response(
            request,
            422,
            "validation",
            "Invalid request",
            "the request is not valid; see errors",
            problems,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_exception(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if isinstance(error.__cause__, BodyTooLarge):  # FastAPI wraps what stopped the read
            return await too_large(request, error.__cause__)
        if error.status_code == 400 and isinstance(error.__cause__, UnicodeDecodeError):
            # FastAPI's "error parsing the body": a JSON body that is not UTF-8. Told like any
            # other unreadable JSON (json_invalid, 422), with the field to blame.
            return problem_response(
                request,
                422,
                "validation",
                "Invalid request",
                "the request is not valid; see errors",
                [Problem("body", "JSON must be UTF-8 encoded", "json_invalid")],
            )
        headers = dict(error.headers) if error.headers else None
        return problem_response(
            request,
            error.status_code,
            "http",
            str(error.detail),
            str(error.detail),
            headers=headers,
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(ConnectionError)
    @app.exception_handler(TimeoutError)
    @app.exception_handler(PoolTimeout)  # every pooled connection busy for pool_timeout
    async def unavailable(request: Request, error: Exception) -> JSONResponse:
        logger.warning(
            "database unavailable (%s): %s", request.state.correlation_id, type(error).__name__
        )
        return problem_response(
            request,
            503,
            "unavailable",
            "Service unavailable",
            "the database is busy or not reachable; try again shortly",
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )

    async def timed_out(request: Request, error: Exception) -> JSONResponse:
        logger.warning(
            "statement timeout (%s): %s", request.state.correlation_id, type(error).__name__
        )
        return problem_response(
            request,
            503,
            "timeout",
            "Service unavailable",
            "the database stopped this request for taking too long: ask for less at a time"
            " (one school, a shorter period), or try again when the service is less busy",
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, error: DBAPIError) -> JSONResponse:
        if database_unavailable(error):  # restarting, refusing, or the connection dropped
            return await unavailable(request, error)
        if statement_timed_out(error):
            return await timed_out(request, error)
        # never exc_info: a database error's message quotes the values it refused
        logger.error("database error (%s): %s", request.state.correlation_id, described(error))
        return problem_response(
            request, 500, "internal", "Internal error", "the request could not be completed"
        )

    @app.exception_handler(OSError)  # ConnectionError, a subclass, is handled above
    async def os_error(request: Request, error: OSError) -> JSONResponse:
        # answered here rather than by the catch-all, which Starlette re-raises to the
        # server (whose log would print the error's message)
        return await unexpected(request, error)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        if database_unavailable(error):  # e.g. a dropped connection inside an exception group
            return await unavailable(request, error)
        if statement_timed_out(error):  # e.g. one part of a trust-wide analysis
            return await timed_out(request, error)
        logger.error(
            "unhandled error (%s): %s",
            getattr(request.state, "correlation_id", "-"),
            described(error),
        )
        return problem_response(
            request, 500, "internal", "Internal error", "the request could not be completed"
        )
