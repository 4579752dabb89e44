"""The audit log in SQL. Row entries come from triggers (migration 0008); this reads them,
and brackets bulk imports so they leave one summary entry instead of a row per record."""

import json
import uuid
from collections.abc import Mapping

from sqlalchemy import ColumnElement, text
from sqlmodel import col, select

from domain.integration.audit import ActorKind, AuditAction, AuditEntry, AuditFilter, AuditPage
from domain.kernel.ids import new_id
from persistence.integration.tables import AuditEntryRow
from persistence.repository import ScopedRepository

#: the setting the triggers' WHEN clause reads: while it is set, rows are not logged
_MARK_IMPORT = text("SELECT set_config('stepwise.import', :ref, true)")

#: the summary entry, written as whoever the transaction writes as (the triggers' rule)
_SUMMARY = text(
    "INSERT INTO audit_entries"
    " (school_id, at, actor, actor_name, actor_kind, action, resource, record_id, changes,"
    " import_ref)"
    " VALUES (:school_id, now(),"
    " coalesce(nullif(current_setting('stepwise.actor', true), ''), 'system'),"
    " coalesce(nullif(current_setting('stepwise.actor_name', true), ''), 'system'),"
    " coalesce(nullif(current_setting('stepwise.actor_kind', true), ''), 'system'),"
    " 'import', :resource, NULL, CAST(:changes AS jsonb), :ref)"
)


#: one entry in each school an account reaches (its own schools, or its trust's), written as
#: whoever the transaction writes as, and whether or not the account exists: an unknown
#: account costs the same statement (the sign-in's timing must not tell them apart)
_ACCOUNT_ENTRIES = """
INSERT INTO audit_entries
    (school_id, at, actor, actor_name, actor_kind, action, resource, record_id, changes)
SELECT s.id, now(),
       coalesce(nullif(current_setting('stepwise.actor', true), ''), 'system'),
       coalesce(nullif(current_setting('stepwise.actor_name', true), ''), 'system'),
       coalesce(nullif(current_setting('stepwise.actor_kind', true), ''), 'system'),
       :action, :resource, a.id, CAST(:changes AS jsonb)
  FROM {table} a
  JOIN schools s ON s.id = ANY (a.school_ids) OR s.trust_id = a.trust_id
 WHERE a.id = :account
"""
_ACCOUNT_TABLES = {"users": "users", "integration_clients": "integration_clients"}


class SqlAuditTrail(ScopedRepository):
    async def account_entry(
        self,
        resource: str,
        account: uuid.UUID | None,
        action: AuditAction,
        changes: Mapping[str, object],
    ) -> None:
        """An entry about a staff account or a client (`resource` users or
        integration_clients) in each school it reaches; none if `account` is None."""
        statement = text(_ACCOUNT_ENTRIES.format(table=_ACCOUNT_TABLES[resource]))
        await self.session.execute(
            statement,
            {
                "action": action.value,
                "resource": resource,
                "account": account,
                "changes": json.dumps(changes, default=str),
            },
        )

    async def begin_import(
        self, school_id: uuid.UUID, resource: str, source: str, idempotency_key: str | None
    ) -> str:
        """Mark the transaction as an import. The mark is transaction-local: an import that
        commits in several transactions calls this once in each."""
        ref = f"import:{new_id()}"
        await self.session.execute(_MARK_IMPORT, {"ref": ref})
        return ref

    async def finish_import(
        self,
        school_id: uuid.UUID,
        ref: str,
        resource: str,
        counts: Mapping[str, int],
        source: str,
        idempotency_key: str | None,
    ) -> None:
        changes = {"counts": dict(counts), "source": source, "idempotency_key": idempotency_key}
        await self.session.execute(
            _SUMMARY,
            {
                "school_id": school_id,
                "resource": resource,
                "changes": json.dumps(changes),
                "ref": ref,
            },
        )
        await self.session.execute(_MARK_IMPORT, {"ref": ""})

    async def entries(self, audit_filter: AuditFilter) -> AuditPage:
        q = audit_filter.query
        where: list[ColumnElement[bool]] = [self.scope.schools(AuditEntryRow.school_id)]
        if audit_filter.school_ids is not None:
            where.append(col(AuditEntryRow.school_id).in_(sorted(audit_filter.school_ids)))
        if q.school_id is not None:
            where.append(col(AuditEntryRow.school_id) == q.school_id)
        if q.resource is not None:
            where.append(col(AuditEntryRow.resource) == q.resource)
        if q.record_id is not None:
            where.append(col(AuditEntryRow.record_id) == q.record_id)
        if q.actor is not None:
            where.append(col(AuditEntryRow.actor) == q.actor)
        if q.action is not None:
            where.append(col(AuditEntryRow.action) == q.action.value)
        if q.since is not None:
            where.append(col(AuditEntryRow.at) >= q.since)
        if q.until is not None:
            where.append(col(AuditEntryRow.at) < q.until)
        if q.before is not None:
            where.append(col(AuditEntryRow.id) < q.before)
        stmt = (
            select(AuditEntryRow)
            .where(*where)
            .order_by(col(AuditEntryRow.id).desc())
            .limit(q.limit + 1)
        )
        rows = (await self.session.execute(stmt)).scalars().all()
        more = len(rows) > q.limit
        items = [_entry(r) for r in rows[: q.limit]]
        return AuditPage(items, items[-1].id if more else None)


def _entry(row: AuditEntryRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        school_id=row.school_id,
        at=row.at,
        actor=row.actor,
        actor_name=row.actor_name,
        actor_kind=ActorKind(row.actor_kind),
        action=AuditAction(row.action),
        resource=row.resource,
        record_id=row.record_id,
        changes=row.changes,
        import_ref=row.import_ref,
    )
