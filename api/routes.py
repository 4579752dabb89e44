"""The REST API under /api/v1."""

from fastapi import APIRouter

from api.analytics import flag_routes as flags
from api.analytics import progress_routes as progress
from api.analytics import quality_routes as quality
from api.assessment import framework_routes as frameworks
from api.assessment import judgement_routes as judgements
from api.identity import auth_routes as auth
from api.identity import client_routes as clients
from api.identity import user_routes as users
from api.integration import audit_routes as audit
from api.integration import change_routes as changes
from api.integration import export_routes as exports
from api.integration import import_routes as imports
from api.organisation import organisation_routes as organisation
from api.outcomes import attendance_routes as attendance
from api.outcomes import destination_routes as destinations
from api.outcomes import measure_routes as measures
from api.outcomes import qualification_routes as qualifications
from api.privacy import privacy_routes as privacy
from api.pupils import pupil_routes as pupils
from api.reports import pupil_report_routes as pupil_reports
from api.reports import summary_routes as reports
from api.targets import target_progress_routes as target_progress
from api.targets import target_routes as targets
from api.targets import target_suggestion_routes as target_suggestions

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
