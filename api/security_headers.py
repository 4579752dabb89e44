"""Headers every response carries, as a pure ASGI middleware.

- `X-Content-Type-Options: nosniff`: a browser never guesses a type (a CSV export read as
  HTML, say).
- `Referrer-Policy: no-referrer`: a report's address (ids in it) is never sent on.
- `X-Frame-Options: DENY` and CSP `frame-ancestors 'none'`: no page is framed (clickjacking).
- `Content-Security-Policy`: for JSON and every other non-page answer `default-src 'none'`
  (nothing in it may load or run). Pages set their own: the reports a strict one (no script
  at all, api/reports/negotiation.py); `/docs` and GraphiQL, which load their scripts from a
  CDN, get `frame-ancestors 'none'` only.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
API_POLICY = b"default-src 'none'; frame-ancestors 'none'"
PAGE_POLICY = b"frame-ancestors 'none'"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in _ALWAYS if k not in present]
                if b"content-security-policy" not in present:
                    kind = dict(headers).get(b"content-type", b"")
                    page = kind.startswith(b"text/html")
                    headers.append(
                        (b"content-security-policy", PAGE_POLICY if page else API_POLICY)
                    )
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
