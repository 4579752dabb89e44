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
from domain.integration.import_resource import ImportResource
from domain.integration.imports import ImportMode
from domain.integration.records import importable

router = APIRouter(prefix="/imports", tags=["imports"])


def _body(resource: ImportResource[Any]) -> dict[str, Any]:
    csv_example, ndjson_example = resource.examples
    return {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}, "example": csv_example},
            "application/x-ndjson": {"schema": {"type": "string"}, "example": ndjson_example},
        },
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
    import_resource.__doc__ = f"""Upsert {name} by {resource.matched_by}.

    `mode=validate` reports what a commit would do and writes nothing. With `atomic=true`
    (the default) one rejected row means nothing is written (422, with the report); with
    `atomic=false` the good rows are written and the rejected ones listed. A retry with
    the same `Idempotency-Key` gets the first response and writes nothing."""
    return import_resource


for _name, _resource in importable().items():
    router.add_api_route(
        f"/{_name}",
        _route(_name),
        methods=["POST"],
        response_model=ImportReportOut,
        openapi_extra={"requestBody": _body(_resource)},
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
