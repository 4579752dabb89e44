"""Report PDFs: the report's own HTML, laid out on A4 by its print CSS, fetching nothing."""

import logging

import pytest
from markupsafe import Markup

from api.reports.charts import progress_bars
from api.reports.pdf import PDF_MEDIA_TYPE, pdf_of, pdf_response
from api.reports.rendering import environment
from tests.pdf_pages import is_a4, media_boxes, page_count

PAGE = """{% extends "base.html" %}{% block content %}
<h2>Progress in each strand</h2><figure>{{ chart }}</figure>
<table><thead><tr><th>Strand</th><th class="num">Expected or better</th></tr></thead><tbody>
{% for strand, share in rows %}<tr><td>{{ strand }}</td><td class="num">{{ share }}%</td></tr>
{% endfor %}</tbody></table>{{ extra }}{% endblock %}"""


def _page(rows: int, extra: Markup = Markup("")) -> str:
    strands = [f"Strand {n}" for n in range(rows)]
    chart = progress_bars(
        "progress",
        "Progress by strand",
        strands[:4],
        [81, 70, 65, 90],
        [40, 35, 30, 50],
        [10, 12, 8, 20],
    )
    return environment.from_string(PAGE).render(
        title="Progress summary",
        organisation="Milestone Park Academy",
        period="2025/26, module 6",
        chart=chart,
        rows=[(s, 50 + n % 50) for n, s in enumerate(strands)],
        extra=extra,
    )


def test_a_report_prints_to_pdf_on_a4_pages() -> None:
    document = pdf_of(_page(rows=4))

    assert page_count(document) == 1
    assert media_boxes(document)
    assert all(is_a4(box) for box in media_boxes(document))


def test_a_long_report_runs_onto_more_a4_pages() -> None:
    short, long = pdf_of(_page(rows=4)), pdf_of(_page(rows=120))

    assert page_count(long) > page_count(short)
    assert all(is_a4(box) for box in media_boxes(long))


def test_a_report_pdf_fetches_nothing_a_page_links_to(caplog: pytest.LogCaptureFixture) -> None:
    img = Markup('<img src="http://127.0.0.1:9/tracker.png" alt="">')
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        document = pdf_of(_page(rows=4, extra=img))

    assert page_count(document) == 1
    assert "disallowed protocol: http://127.0.0.1:9/tracker.png" in caplog.text


async def test_the_pdf_response_is_an_inline_pdf_named_for_saving() -> None:
    response = await pdf_response(_page(rows=4), "progress-summary.pdf")

    assert response.media_type == PDF_MEDIA_TYPE
    assert response.headers["content-disposition"] == 'inline; filename="progress-summary.pdf"'
    assert page_count(bytes(response.body)) == 1
