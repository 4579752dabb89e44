"""HTML or JSON for a report route: `format=` wins, else the Accept header decides.

A browser (Accept: text/html,...,*/*;q=0.8) gets the page; scripts and the API clients
(Accept: */* or application/json) get JSON. Errors stay application/problem+json either
way, so a bad parameter names its field the same way for both.
"""

import enum
import importlib
from collections.abc import Awaitable, Callable
from typing import Annotated, cast

from fastapi import HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response


class ReportFormat(enum.StrEnum):
    HTML = "html"
    JSON = "json"
    PDF = "pdf"  # the HTML page laid out on A4 by its own print CSS (api.reports.pdf)


FormatQuery = Annotated[
    ReportFormat | None,
    Query(
        description="html, json or pdf; default: from the Accept header (JSON unless HTML is"
        " preferred)"
    ),
]


def _quality(accept: str, wanted: str) -> float:
    """The q the Accept header gives `wanted` (type/subtype), through its best-matching range."""
    kind = wanted.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.lower()
        rank = 2 if media == wanted else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
        if rank > best[0]:
            best = (rank, q)
    return best[1]


def wants_html(request: Request, format: ReportFormat | None) -> bool:
    """The page (as HTML, or printed to PDF) rather than the JSON."""
    if format is not None:
        return format is not ReportFormat.JSON
    accept = request.headers.get("accept", "")
    return _quality(accept, "text/html") > _quality(accept, "application/json")


_PRIVATE = {"Cache-Control": "private, no-store"}

#: a report page runs no script at all and loads nothing: its styles are inline (a <style>
#: element and the charts' SVG style attributes, hence 'unsafe-inline' for styles only)
REPORT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:;"
    " base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def html_page(content: str) -> HTMLResponse:
    """A rendered report; private to the caller, like every analytics answer, and under a
    strict Content-Security-Policy (api/security_headers.py has the rest)."""
    return HTMLResponse(content, headers={**_PRIVATE, "Content-Security-Policy": REPORT_POLICY})


def _pdf_writer() -> Callable[[str, str], Awaitable[Response]]:
    """api.reports.pdf, imported when first asked for: WeasyPrint loads the system's Pango
    as it is imported, and a server without it should still serve everything else."""
    try:
        module = importlib.import_module("api.reports.pdf")
    except (ImportError, OSError) as missing:
        raise HTTPException(
            501,
            "PDF output needs the system's Pango library, which this server lacks;"
            " ask for format=html and print the page",
        ) from missing
    return cast(Callable[[str, str], Awaitable[Response]], module.pdf_response)


async def page_response(content: str, format: ReportFormat | None, filename: str) -> Response:
    """The rendered page as asked: a PDF of it for format=pdf, else the HTML."""
    if format is ReportFormat.PDF:
        document = await _pdf_writer()(content, filename)
        document.headers.update(_PRIVATE)
        return document
    return html_page(content)
