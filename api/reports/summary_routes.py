"""/reports: the school progress summary and the trust report, as HTML pages or JSON.

Both answers come from the same report object. Bad parameters are 422 problem+json for
HTML requests too, naming the field, so browsers and scripts learn the same thing.
"""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.dependencies import AnalyticsUowDep, PrincipalDep, RuntimeDep
from api.reports.negotiation import FormatQuery, page_response, wants_html
from api.reports.rendering import render_in_thread
from api.reports.school_summary import school_summary_page
from api.reports.summary_schemas import SchoolSummaryOut, TrustSummaryOut
from api.reports.trust_summary import trust_summary_page
from domain.kernel.clock import SYSTEM_CLOCK
from domain.reports import school_summary_service as school_service
from domain.reports import trust_summary_service as trust_service

router = APIRouter(prefix="/reports", tags=["reports"])

YearQuery = Annotated[
    str | None,
    Query(pattern=r"^\d{4}/\d{2}$", examples=["2023/24"], description="default: see module"),
]
ModuleQuery = Annotated[
    int | None,
    Query(ge=1, le=20, description="the module's sequence; default: the latest that has ended"),
]


@router.get(
    "/schools/{school_id}/summary",
    response_model=SchoolSummaryOut,
    responses={
        200: {
            "content": {"text/html": {}, "application/pdf": {}},
            "description": "JSON, the HTML page, or the page as a PDF",
        }
    },
)
async def school_summary(
    school_id: uuid.UUID,
    request: Request,
    uow: AnalyticsUowDep,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    academic_year: YearQuery = None,
    module: ModuleQuery = None,
    format: FormatQuery = None,
) -> SchoolSummaryOut | Response:
    """One school's progress summary at a module: per strand the % at expected-or-better,
    above and accelerated; groups against the cohort; the same point last year; attendance
    against the national comparator; pass rates; attainment measures; leavers' destinations
    and EET rate; targets on track. Small groups are withheld."""
    ask = school_service.SchoolSummaryRequest(
        school_id=school_id,
        academic_year=academic_year,
        module=module,
        national_attendance=runtime.settings.reports_national_attendance,
    )
    summary = await school_service.school_summary(uow, principal, ask)
    if wants_html(request, format):
        today = SYSTEM_CLOCK.today()
        page = await render_in_thread(lambda: school_summary_page(summary, today))
        return await page_response(page, format, "progress-summary.pdf")
    return SchoolSummaryOut.of(summary)


@router.get(
    "/trusts/{trust_id}/summary",
    response_model=TrustSummaryOut,
    responses={
        200: {
            "content": {"text/html": {}, "application/pdf": {}},
            "description": "JSON, the HTML page, or the page as a PDF",
        }
    },
)
async def trust_summary(
    trust_id: uuid.UUID,
    request: Request,
    uow: AnalyticsUowDep,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    academic_year: YearQuery = None,
    module: ModuleQuery = None,
    format: FormatQuery = None,
) -> TrustSummaryOut | Response:
    """The same figures for each of the trust's schools, side by side, at the same module
    of the same year (default: the latest module any school has ended)."""
    ask = trust_service.TrustSummaryRequest(
        trust_id=trust_id,
        academic_year=academic_year,
        module=module,
        national_attendance=runtime.settings.reports_national_attendance,
    )
    summary = await trust_service.trust_summary(uow, principal, ask)
    if wants_html(request, format):
        today = SYSTEM_CLOCK.today()
        page = await render_in_thread(lambda: trust_summary_page(summary, today))
        return await page_response(page, format, "trust-summary.pdf")
    return TrustSummaryOut.of(summary)
