"""Liveness and readiness probes (no auth, no data)."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.dependencies import RuntimeDep
from api.errors import RETRY_AFTER_SECONDS

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


_UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "the database does not answer (a probe's body, not a problem)",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["status"],
                    "properties": {"status": {"type": "string", "enum": ["unavailable"]}},
                }
            }
        },
        "headers": {"Retry-After": {"required": True, "schema": {"type": "string"}}},
    }
}


@router.get("/ready", response_model=None, responses=_UNAVAILABLE)
async def ready(runtime: RuntimeDep) -> dict[str, str] | JSONResponse:
    """The database answers; 503 with Retry-After while it does not."""
    try:
        async with runtime.database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:  # readiness must answer, whatever the failure
        return JSONResponse(
            {"status": "unavailable"}, status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS}
        )
    return {"status": "ready"}
