"""A pupil's rights under UK GDPR: subject access (art. 15) and erasure (art. 17).

Both are the school's business as controller, so both need manage_school in the pupil's
school (school admins, trust admins); anyone else is refused before the pupil is looked
up, and a pupil outside the caller's scope is not found. Both leave an audit entry that
names the pupil only by id.
"""

import uuid
from dataclasses import dataclass
from typing import Protocol

from domain.integration.audit import AuditAction
from domain.kernel.access import Permission, Principal
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import InvariantViolation
from domain.kernel.references import found
from domain.kernel.transaction import Transaction
from domain.organisation.ports import HasSchools
from domain.privacy.ports import HasPupilRecords
from domain.privacy.retention import Erasure, decide, reason_problems, without_identifiers
from domain.privacy.subject_access import SubjectAccessExport
from domain.pupils.ports import HasPupils


class PrivacyWork(HasPupilRecords, HasPupils, HasSchools, Transaction, Protocol):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class ErasePupil:
    pupil_id: uuid.UUID
    reason: str
    school_decision: bool = False  # the school decided to erase before retention ends
    school_decision_reason: str | None = None


async def export_subject_access(
    uow: PrivacyWork, actor: Principal, pupil_id: uuid.UUID, clock: Clock = SYSTEM_CLOCK
) -> SubjectAccessExport:
    """Everything held about the pupil (archived pupils too), and a note that it was given."""
    actor.require(Permission.MANAGE_SCHOOL)
    async with uow:
        pupil = found(await uow.pupils.get(pupil_id, include_deleted=True), "pupil", pupil_id)
        actor.require(Permission.MANAGE_SCHOOL, pupil.school_id)
        school = found(await uow.schools.get(pupil.school_id), "school", pupil.school_id)
        generated_at = clock.now()
        records = await uow.pupil_records.held_about(school.id, pupil.id)
        export = SubjectAccessExport(generated_at, school, pupil.id, records)
        await uow.pupil_records.note(
            school.id,
            AuditAction.SUBJECT_ACCESS,
            pupil.id,
            {"generated_at": generated_at.isoformat(), "records": export.counts()},
        )
        await uow.commit()
    return export


async def erase_pupil(
    uow: PrivacyWork, actor: Principal, cmd: ErasePupil, clock: Clock = SYSTEM_CLOCK
) -> Erasure:
    """Remove the pupil from every table, scrub the audit entries about them, and log one
    entry with ids, the reason and the retention decision; refused (409) while SEN records
    are still held, unless the school records its decision to erase early."""
    actor.require(Permission.MANAGE_SCHOOL)
    problems = reason_problems("reason", cmd.reason)
    if cmd.school_decision:
        problems += reason_problems("school_decision_reason", cmd.school_decision_reason)
    if problems:
        raise InvariantViolation(problems)
    async with uow:
        # first: no row of theirs (a characteristic that would change the decision, a new
        # judgement) commits between reading the pupil and erasing them
        await uow.pupil_records.hold(cmd.pupil_id)
        pupil = found(
            await uow.pupils.get(cmd.pupil_id, include_deleted=True), "pupil", cmd.pupil_id
        )
        actor.require(Permission.MANAGE_SCHOOL, pupil.school_id)
        school = found(await uow.schools.get(pupil.school_id), "school", pupil.school_id)
        decision = decide(
            pupil,
            clock.today(),
            cmd.school_decision,
            without_identifiers(cmd.school_decision_reason or "", pupil) or None,
            school.sen_retention_years,
        )
        rows, scrubbed = await uow.pupil_records.erase(pupil.school_id, pupil.id)
        await uow.pupil_records.note(
            pupil.school_id,
            AuditAction.ERASURE,
            pupil.id,
            {
                "reason": without_identifiers(cmd.reason, pupil),
                "retention": {
                    "basis": decision.basis.value,
                    "sen_retention_years": school.sen_retention_years,
                    "erasable_on": decision.erasable_on and decision.erasable_on.isoformat(),
                    "school_decision_reason": decision.school_decision_reason,
                },
                "rows_erased": rows,
                "rows_scrubbed": scrubbed,
            },
        )
        await uow.commit()
    return Erasure(pupil.id, pupil.school_id, decision, rows, scrubbed)
