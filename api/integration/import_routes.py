"""/imports: bulk upserts from MIS exports (CSV or NDJSON), streamed, checked row by row."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from api.dependencies import PrincipalDep, UowDep
from api.errors import PROBLEM_JSON
from api.integration.import_schemas import ImportReportOut
from api.integration.uploads import Upload
from domain.integration import import_service as service
from domain.integration.importable import RESOURCES
from domain.integration.imports import ImportMode

router = APIRouter(prefix="/imports", tags=["imports"])

#: per resource: a CSV and an NDJSON example of its rows (docs/imports.md)
_EXAMPLES: dict[str, tuple[str, str]] = {
    "judgements": (
        "UPN,Strand,Academic Year,Module,Step,Date\nA123456789012,READ,2024/25,3,Dev+,2025-02-07\n",
        '{"upn": "A123456789012", "strand": "READ", "academic_year": "2024/25",'
        ' "module": 3, "step": "Dev+"}\n',
    ),
    "pupils": (
        "UPN,Admission No,Legal Surname,Legal Forename,Date of Birth,Gender,NC Year,"
        "Date of Admission,Enrolment Status,Pupil Premium,FSM,EAL,Looked After,"
        "SEN Provision,Primary Need,Secondary Need\n"
        "A123456789012,ADM-7,Khan,Amira,17/05/2011,F,7,01/09/2022,C,Y,N,N,N,E,ASD,SLCN\n",
        '{"upn": "A123456789012", "forename": "Amira", "surname": "Khan",'
        ' "date_of_birth": "2011-05-17", "gender": "F", "year_group": "7",'
        ' "joined_on": "2022-09-01", "pupil_premium": "Y", "sen_provision": "E",'
        ' "primary_need": "ASD"}\n',
    ),
    "targets": (
        "UPN,Strand,Academic Year,Step,Status\nA123456789012,READ,2024/25,Sec+,active\n",
        '{"upn": "A123456789012", "strand": "READ", "academic_year": "2024/25", "step": "Sec+"}\n',
    ),
    "attendance": (
        "UPN,Date,Session,Mark\nA123456789012,2025-02-03,AM,/\nA123456789012,2025-02-03,PM,I\n",
        '{"upn": "A123456789012", "date": "2025-02-03", "session": "AM", "code": "/"}\n',
    ),
    "qualifications": (
        "UPN,Awarding Body,Qualification Title,Subject,Level,Status,Result,Date Awarded\n"
        "A123456789012,Pearson,Functional Skills English,English,Entry 3,completed,Pass,"
        "2025-08-21\n",
        '{"upn": "A123456789012", "awarding_body": "Pearson", "title": "ELC Maths",'
        ' "level": "entry_2", "kind": "other"}\n',
    ),
    "destinations": (
        "UPN,Date of Leaving,Destination,Provider,Sustained\n"
        "A123456789012,2025-07-18,FE College,Weald College,Y\n",
        '{"upn": "A123456789012", "left_on": "2025-07-18", "category": "fe_college"}\n',
    ),
}


def _body(resource: str) -> dict[str, Any]:
    csv_example, ndjson_example = _EXAMPLES[resource]
    return {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}, "example": csv_example},
            "application/x-ndjson": {"schema": {"type": "string"}, "example": ndjson_example},
        },
    }


_KEYS = {
    "judgements": "pupil (UPN or MIS id), strand, academic year and module",
    "pupils": "UPN, else MIS id, with the pupil's characteristics and enrolment",
    "targets": "pupil, strand and academic year (a new step revises the target)",
    "attendance": "pupil, date and session (AM/PM)",
    "qualifications": "pupil, awarding body, title and level",
    "destinations": "pupil and leaving date",
}


def _route(name: str) -> Callable[..., Awaitable[Any]]:
    resource = service.resource_named(name)

    async def import_resource(
        request: Request,
        uow: UowDep,
        principal: PrincipalDep,
        school_id: uuid.UUID,
        mode: ImportMode = ImportMode.COMMIT,
        atomic: bool = True,
        source: Annotated[str, Query(max_length=200, description="file name, for history")] = "",
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> Any:
        report = await service.import_rows(
            uow,
            principal,
            resource,
            service.ImportRequest(school_id, mode, atomic, idempotency_key, source),
            Upload(request.stream(), request.headers.get("content-type", "")),
        )
        out = ImportReportOut.of(report)
        headers = {"Idempotent-Replayed": "true"} if report.replayed else None
        if mode is ImportMode.COMMIT and not report.committed:
            return _refused(request, out, headers)
        return JSONResponse(out.model_dump(mode="json"), headers=headers)

    import_resource.__name__ = f"import_{name}"
    import_resource.__doc__ = f"""Upsert {name} by {_KEYS[name]}.

    `mode=validate` reports what a commit would do and writes nothing. With `atomic=true`
    (the default) one rejected row means nothing is written (422, with the report); with
    `atomic=false` the good rows are written and the rejected ones listed. A retry with
    the same `Idempotency-Key` gets the first response and writes nothing."""
    return import_resource


for _name in _EXAMPLES:
    if _name in RESOURCES:
        router.add_api_route(
            f"/{_name}",
            _route(_name),
            methods=["POST"],
            response_model=ImportReportOut,
            openapi_extra={"requestBody": _body(_name)},
            responses={
                404: {"description": "school_id names no school the caller can see"},
                415: {"description": "not CSV or NDJSON"},
                422: {"description": "nothing written: the report lists every rejected row"},
            },
        )


def _refused(
    request: Request, out: ImportReportOut, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {
        "type": "urn:stepwise:problem:import-rejected",
        "title": "Nothing imported",
        "status": 422,
        "detail": f"{out.rejected} row(s) rejected; nothing was written",
        "instance": request.url.path,
        "correlation_id": getattr(request.state, "correlation_id", None),
        **out.model_dump(mode="json"),
    }
    return JSONResponse(body, status_code=422, media_type=PROBLEM_JSON, headers=headers)
