"""Liveness and readiness probes (no auth, no data)."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.dependencies import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/ready", response_model=None)
async def ready(runtime: RuntimeDep) -> dict[str, str] | JSONResponse:
    """The database answers; 503 with Retry-After while it does not."""
    try:
        async with runtime.database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:  # readiness must answer, whatever the failure
        return JSONResponse(
            {"status": "unavailable"}, status_code=503, headers={"Retry-After": "2"}
        )
    return {"status": "ready"}
