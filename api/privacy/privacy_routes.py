"""/pupils/{id}/subject-access and /pupils/{id}/erasure: UK GDPR rights, for school and
trust admins of the pupil's school."""

import uuid
from typing import Any

from fastapi import APIRouter

from api.dependencies import PrincipalDep, UowDep
from api.privacy.privacy_schemas import ErasureIn, ErasureOut, SubjectAccessOut
from domain.privacy import privacy_service as privacy

router = APIRouter(prefix="/pupils", tags=["privacy"])

_HELD: dict[int | str, dict[str, Any]] = {
    409: {
        "description": "SEN records still held (date of birth + 31 years): a problem naming "
        "`school_decision`, with `erasable_on`, the first day the pupil may be erased "
        "without a school decision"
    }
}


@router.get("/{pupil_id}/subject-access")
async def subject_access(
    pupil_id: uuid.UUID, uow: UowDep, principal: PrincipalDep
) -> SubjectAccessOut:
    """Everything held about the pupil (archived pupils too), as stored, for a subject access
    request; the export is recorded in the audit log."""
    return SubjectAccessOut.of(await privacy.export_subject_access(uow, principal, pupil_id))


@router.post("/{pupil_id}/erasure", responses=_HELD)
async def erase(
    pupil_id: uuid.UUID, body: ErasureIn, uow: UowDep, principal: PrincipalDep
) -> ErasureOut:
    """Erase the pupil from every table, scrub the audit entries about them and log one
    entry (ids, reason, retention decision). Refused while SEN records are held unless
    `school_decision` records the school's decision to erase early. Erasing again is a 404."""
    cmd = privacy.ErasePupil(
        pupil_id, body.reason, body.school_decision, body.school_decision_reason
    )
    return ErasureOut.of(await privacy.erase_pupil(uow, principal, cmd))
