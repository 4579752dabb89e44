"""Reading the audit log: school admins for their schools, trust admins for their trust's."""

from typing import Protocol

from domain.integration.audit import AuditFilter, AuditPage, AuditQuery
from domain.integration.ports import HasAudit
from domain.kernel.access import Permission, Principal
from domain.kernel.errors import InvariantViolation
from domain.kernel.transaction import Transaction


class AuditWork(HasAudit, Transaction, Protocol):
    """What these use cases need of the unit of work."""


async def audit_entries(uow: AuditWork, actor: Principal, query: AuditQuery) -> AuditPage:
    """Newest first. Managing a school is what opens its log: teachers, analysts and clients
    (who can never be granted manage_school) are refused, as is a school outside the scope."""
    actor.require(Permission.MANAGE_SCHOOL, query.school_id)
    if problems := query.problems():
        raise InvariantViolation(problems)
    school_ids = None if actor.unrestricted else actor.school_ids
    async with uow:
        return await uow.audit.entries(AuditFilter(school_ids, query))
