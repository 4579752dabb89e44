"""/exports: a school's, a trust's or every visible school's rows of one kind, streamed as
CSV or NDJSON with the import's column names."""

import uuid
from contextlib import AsyncExitStack
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from api.dependencies import AnalyticsUowDep, PrincipalDep, PseudonymiserDep
from api.integration.export_stream import MEDIA_TYPES, ExportResponse, csv_chunks, ndjson_chunks
from api.integration.records import ExportResource
from domain.integration import export_service as service
from domain.integration.exports import ExportRequest
from domain.kernel.clock import SYSTEM_CLOCK

router = APIRouter(prefix="/exports", tags=["exports"])

_EXPORT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the rows, streamed: a header row first (CSV) or one object a line",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    },
    403: {"description": "the school or trust is outside the caller's scope"},
    422: {"description": "a bad parameter, named in errors[].field; nothing is streamed"},
}


@router.get("/{resource}", status_code=200, response_class=ExportResponse, responses=_EXPORT)
async def export(
    resource: ExportResource,
    uow: AnalyticsUowDep,
    principal: PrincipalDep,
    pseudonymiser: PseudonymiserDep,
    format: Literal["csv", "ndjson"] = "csv",
    school_id: uuid.UUID | None = None,
    trust_id: uuid.UUID | None = None,
    academic_year: Annotated[
        str | None, Query(max_length=7, description="e.g. 2024/25", examples=["2024/25"])
    ] = None,
    module: Annotated[
        int | None, Query(description="module number in the academic year (needs academic_year)")
    ] = None,
    since: Annotated[date | None, Query(description="rows dated on or after")] = None,
    until: Annotated[date | None, Query(description="rows dated on or before")] = None,
) -> Any:
    """Every row of `resource` for `school_id`, `trust_id` or all the schools the caller
    sees, in the import's column names (a school's judgements export re-imports unchanged),
    with ids as extra columns. Each row's own date (assessed_on, set_on, the session's
    date, awarded_on, left_on; for pupils any enrolment) must fall within `since`..`until`,
    the academic year and each school's own module `module` of it. Trust analysts get
    pseudonymised rows: the pupil's pseudonym, no names, dates of birth, UPNs or MIS ids.
    Everything is checked before the first byte; rows then arrive as they are read."""
    request = ExportRequest(resource, school_id, trust_id, academic_year, module, since, until)
    stack = AsyncExitStack()
    opened = await stack.enter_async_context(
        service.open_export(uow, principal, request, pseudonymiser)
    )
    chunks = csv_chunks(opened) if format == "csv" else ndjson_chunks(opened)
    file_name = f"{opened.resource}-{SYSTEM_CLOCK.today().isoformat()}.{format}"
    return ExportResponse(chunks, stack.aclose, MEDIA_TYPES[format], file_name)
