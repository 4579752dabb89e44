"""The REST API under /api/v1."""

from fastapi import APIRouter

from api.rest import (
    attendance,
    audit,
    auth,
    changes,
    clients,
    destinations,
    exports,
    flags,
    frameworks,
    imports,
    judgements,
    measures,
    organisation,
    privacy,
    progress,
    pupil_reports,
    pupils,
    qualifications,
    quality,
    reports,
    target_progress,
    target_suggestions,
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
    # before targets: /targets/progress and /targets/suggestions are not /targets/{target_id}
    target_progress,
    target_suggestions,
    targets,
    destinations,
    attendance,
    qualifications,
    measures,
    users,
    clients,
    audit,
    progress,
    flags,
    quality,
    imports,
    exports,
    changes,
    pupil_reports,
    privacy,
    reports,
):
    api_router.include_router(module.router)
