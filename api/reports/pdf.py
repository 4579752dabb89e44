"""Reports as PDF: the report's own HTML page laid out by WeasyPrint, so the PDF is the page's
print CSS (@page A4, no split tables or charts), not a second layout to keep in step.

WeasyPrint is pure Python over the system's Pango (Debian's libpango, already on the
machine): no browser in the server process. A report is self-contained (styles and SVG
charts inline), so nothing is ever fetched while laying it out: every URL is refused, which
also keeps a crafted link in the page from making the server call out.
"""

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from weasyprint import HTML, URLFetcher

PDF_MEDIA_TYPE = "application/pdf"


def pdf_of(html: str) -> bytes:
    """The report page printed to PDF with its own print CSS."""
    refuse_every_url = URLFetcher(allowed_protocols=frozenset())
    document: bytes = HTML(
        string=html, url_fetcher=refuse_every_url, media_type="print"
    ).write_pdf()
    return document


async def pdf_response(html: str, filename: str) -> Response:
    """A PDF of the page, shown inline and saved as `filename`; laid out off the event loop
    (CPU work, about 0.3 s for a report)."""
    document = await run_in_threadpool(pdf_of, html)
    return Response(
        document,
        media_type=PDF_MEDIA_TYPE,
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
