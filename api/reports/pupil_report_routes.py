"""/reports/pupils/{id}: the pupil report (annual review / parents' report), HTML or JSON.

Both answers come from one PupilReport, built from the same use cases as
/pupils/{id}/progress, /targets, /pupils/{id}/targets/progress and /outcome-targets.
"""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.dependencies import PrincipalDep, PseudonymiserDep, UowDep
from api.reports.negotiation import FormatQuery, page_response, wants_html
from api.reports.pupil_report import pupil_report_page
from api.reports.pupil_report_schemas import PupilReportOut
from api.reports.rendering import render_in_thread
from domain.kernel.clock import SYSTEM_CLOCK
from domain.reports import pupil_report_service as pupil_service

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get(
    "/pupils/{pupil_id}",
    response_model=PupilReportOut,
    responses={
        200: {
            "content": {"text/html": {}, "application/pdf": {}},
            "description": "JSON, the HTML page, or the page as a PDF",
        }
    },
)
async def pupil_report(
    pupil_id: uuid.UUID,
    request: Request,
    uow: UowDep,
    principal: PrincipalDep,
    pseudonymiser: PseudonymiserDep,
    academic_year: Annotated[
        str | None,
        Query(
            pattern=r"^\d{4}/\d{2}$",
            examples=["2023/24"],
            description="default: the year of the school's latest module that has ended",
        ),
    ] = None,
    format: FormatQuery = None,
) -> PupilReportOut | Response:
    """A pupil's year: per strand the baseline, current step, target and band with the step
    at each module (a chart in HTML); EHCP / IEP outcome targets with their termly
    evaluations; next steps. Trust analysts see the pupil under a pseudonym."""
    report = await pupil_service.pupil_report(
        uow,
        principal,
        pupil_service.PupilReportRequest(pupil_id, academic_year),
        pseudonymiser,
    )
    if wants_html(request, format):
        today = SYSTEM_CLOCK.today()
        page = await render_in_thread(lambda: pupil_report_page(report, today))
        return await page_response(page, format, "pupil-report.pdf")
    return PupilReportOut.of(report)
