"""A size limit on every request body, except the imports, which are read as they arrive
(api/integration/uploads.py) and bounded by what they write, not by what they hold.

A declared Content-Length over the limit is answered 413 before a byte is read; a body sent
without one (chunked) is counted as it arrives and refused once it passes the limit.
"""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: the streamed imports: POST /api/v1/imports/{resource}
UNLIMITED_PREFIXES = ("/api/v1/imports/",)


class BodyTooLarge(Exception):
    """Raised while reading a body that passed the limit (answered 413 by api.errors)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"the request body is larger than {limit:,} bytes")


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNLIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, counted, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        refused = problem(self.limit, scope["path"])
        refused["correlation_id"] = scope.get("state", {}).get("correlation_id")
        body = json.dumps(refused).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def problem(limit: int, path: str) -> dict[str, object]:
    return {
        "type": "urn:stepwise:problem:too-large",
        "title": "Content too large",
        "status": 413,
        "detail": f"a request body may be at most {limit:,} bytes here"
        " (imports are streamed and have no such limit)",
        "instance": path,
        "errors": [
            {"field": "body", "reason": f"larger than {limit:,} bytes", "code": "too_large"}
        ],
    }
