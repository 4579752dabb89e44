"""The REST API under /api/v1."""

from fastapi import APIRouter

from api.rest import (
    auth,
    destinations,
    frameworks,
    judgements,
    organisation,
    progress,
    pupils,
    quality,
    targets,
    users,
)

api_router = APIRouter(prefix="/api/v1")
for module in (
    auth,
    organisation,
    pupils,
    frameworks,
    judgements,
    targets,
    destinations,
    users,
    progress,
    quality,
):
    api_router.include_router(module.router)
