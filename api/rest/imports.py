"""/imports: bulk upserts from MIS exports (CSV or NDJSON), streamed, checked row by row."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from api.dependencies import PrincipalDep, UowDep
from api.errors import PROBLEM_JSON
from api.schemas.imports import ImportReportOut
from api.uploads import Upload
from domain.imports import ImportMode
from domain.services import imports as service

router = APIRouter(prefix="/imports", tags=["imports"])

_BODY = {
    "required": True,
    "content": {
        "text/csv": {
            "schema": {"type": "string"},
            "example": "UPN,Strand,Academic Year,Module,Step,Date\n"
            "A123456789012,READ,2024/25,3,Dev+,2025-02-07\n",
        },
        "application/x-ndjson": {
            "schema": {"type": "string"},
            "example": '{"upn": "A123456789012", "strand": "READ", "academic_year": "2024/25",'
            ' "module": 3, "step": "Dev+"}\n',
        },
    },
}


@router.post(
    "/judgements",
    response_model=ImportReportOut,
    openapi_extra={"requestBody": _BODY},
    responses={
        415: {"description": "not CSV or NDJSON"},
        422: {"description": "nothing written: the report lists every rejected row"},
    },
)
async def import_judgements(
    request: Request,
    uow: UowDep,
    principal: PrincipalDep,
    school_id: uuid.UUID,
    mode: ImportMode = ImportMode.COMMIT,
    atomic: bool = True,
    source: Annotated[str, Query(max_length=200, description="file name, for history")] = "",
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Any:
    """Upsert judgements by pupil (UPN or MIS id), strand, academic year and module.

    `mode=validate` reports what a commit would do and writes nothing. With `atomic=true`
    (the default) one rejected row means nothing is written (422, with the report); with
    `atomic=false` the good rows are written and the rejected ones listed. A retry with
    the same `Idempotency-Key` gets the first response and writes nothing."""
    report = await service.import_judgements(
        uow,
        principal,
        service.ImportRequest(school_id, mode, atomic, idempotency_key, source),
        Upload(request.stream(), request.headers.get("content-type", "")),
    )
    out = ImportReportOut.of(report)
    headers = {"Idempotent-Replayed": "true"} if report.replayed else None
    if mode is ImportMode.COMMIT and not report.committed:
        return _refused(request, out, headers)
    return JSONResponse(out.model_dump(mode="json"), headers=headers)


def _refused(
    request: Request, out: ImportReportOut, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {
        "type": "urn:stepwise:problem:import-rejected",
        "title": "Nothing imported",
        "status": 422,
        "detail": f"{out.rejected} row(s) rejected; nothing was written",
        "instance": request.url.path,
        **out.model_dump(mode="json"),
    }
    return JSONResponse(body, status_code=422, media_type=PROBLEM_JSON, headers=headers)
