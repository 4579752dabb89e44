"""Everything held about one pupil, read and erased across the tables of persistence.pupil_data.

The audit entries about a pupil are those of the pupil's rows: the ones there now, and the
ones deleted before (found by the pupil_id their insert or delete entry recorded, and for
outcome evaluations by their outcome target). Import reports kept for idempotent retries
may quote the pupil's UPN or MIS id: they are exported, and rewritten without them on
erasure. Erasure marks its transaction as a bulk write (the audit triggers skip it, as for
imports), so the deletes do not log the very values being erased; the use case writes one
entry instead.
"""

import json
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import text

from domain.integration.audit import AuditAction
from domain.privacy.subject_access import HeldRow
from persistence.privacy.pupil_data import (
    AUDIT_TABLE,
    IMPORT_REPORTS_TABLE,
    TOMBSTONE_TABLE,
)
from persistence.privacy.redaction import identifier_pattern, redacted
from persistence.records import pupil_tables
from persistence.repository import ScopedRepository

_MARK_BULK = text("SELECT set_config('stepwise.import', :ref, true)")

_RECORDS_THAT_NAMED_PUPIL = text(
    "SELECT DISTINCT record_id FROM audit_entries"
    " WHERE school_id = :school AND record_id IS NOT NULL AND ("
    " changes ->> 'pupil_id' = :pupil_text"
    " OR changes -> 'pupil_id' ->> 'old' = :pupil_text"
    " OR changes -> 'pupil_id' ->> 'new' = :pupil_text)"
)

_EVALUATIONS_OF = text(
    "SELECT DISTINCT record_id FROM audit_entries"
    " WHERE school_id = :school AND resource = 'outcome_evaluations'"
    " AND record_id IS NOT NULL AND changes ->> 'outcome_id' = ANY (:ids)"
)

# table names below are this module's constants (persistence.pupil_data), never input
_AUDIT_ABOUT = text(
    f"SELECT * FROM {AUDIT_TABLE}"  # noqa: S608
    " WHERE school_id = :school AND record_id = ANY (:ids) ORDER BY id"
)
_TOMBSTONES_OF = text(
    f"SELECT * FROM {TOMBSTONE_TABLE} WHERE school_id = :school AND id = ANY (:ids)"  # noqa: S608
    " ORDER BY deleted_at, resource, id"
)
_SCRUB = text("SELECT stepwise_scrub_audit(:school, :ids)")
# a row that points at the pupil takes a key-share lock on them: holding this, no new row of
# theirs can commit until the erasure has (it then fails its foreign key)
_LOCK_PUPIL = text("SELECT 1 FROM pupils WHERE id = :pupil FOR UPDATE")
# candidates only (any identifier anywhere in the text); `redacted` decides what is theirs
_REPORTS_QUOTING = text(
    f"SELECT * FROM {IMPORT_REPORTS_TABLE} WHERE school_id = :school"  # noqa: S608
    " AND EXISTS (SELECT 1 FROM unnest(CAST(:words AS text[])) w"
    "  WHERE strpos(report::text, w) > 0)"
    " ORDER BY created_at, key"
)
_REPORT_REWRITE = text(
    f"UPDATE {IMPORT_REPORTS_TABLE} SET report = CAST(:report AS jsonb)"  # noqa: S608
    " WHERE school_id = :school AND key = :key"
)

_NOTE = text(
    "INSERT INTO audit_entries"
    " (school_id, at, actor, actor_name, actor_kind, action, resource, record_id, changes)"
    " VALUES (:school, now(),"
    " coalesce(nullif(current_setting('stepwise.actor', true), ''), 'system'),"
    " coalesce(nullif(current_setting('stepwise.actor_name', true), ''), 'system'),"
    " coalesce(nullif(current_setting('stepwise.actor_kind', true), ''), 'system'),"
    " :action, 'pupils', :pupil, CAST(:changes AS jsonb))"
)


def _select(table: str) -> str:
    order = pupil_tables()[table].order
    which = pupil_tables()[table].rows
    return f"SELECT * FROM {table} WHERE school_id = :school AND {which} ORDER BY {order}"  # noqa: S608


class SqlPupilRecords(ScopedRepository):
    def _visible(self, school_id: uuid.UUID) -> bool:
        return self.scope.school_ids is None or school_id in self.scope.school_ids

    async def _rows(self, table: str, school: uuid.UUID, pupil: uuid.UUID) -> list[HeldRow]:
        params = {"school": school, "pupil": pupil}
        result = await self.session.execute(text(_select(table)), params)
        return [dict(row) for row in result.mappings()]

    async def _record_ids(
        self, school: uuid.UUID, pupil: uuid.UUID, held: Mapping[str, list[HeldRow]]
    ) -> list[uuid.UUID]:
        """The ids of every row the audit log may hold about the pupil, now or before."""
        ids = {pupil} | {row["id"] for rows in held.values() for row in rows}
        params = {"school": school, "pupil_text": str(pupil)}
        ids |= set((await self.session.execute(_RECORDS_THAT_NAMED_PUPIL, params)).scalars())
        evaluations = await self.session.execute(
            _EVALUATIONS_OF, {"school": school, "ids": [str(i) for i in ids]}
        )
        ids |= set(evaluations.scalars())
        return sorted(ids)

    async def held_about(
        self, school_id: uuid.UUID, pupil_id: uuid.UUID
    ) -> dict[str, list[HeldRow]]:
        if not self._visible(school_id):
            return {}
        held = {
            table: await self._rows(table, school_id, pupil_id)
            for table in reversed(pupil_tables())
        }
        ids = await self._record_ids(school_id, pupil_id, held)
        for table, query in ((AUDIT_TABLE, _AUDIT_ABOUT), (TOMBSTONE_TABLE, _TOMBSTONES_OF)):
            result = await self.session.execute(query, {"school": school_id, "ids": ids})
            held[table] = [dict(row) for row in result.mappings()]
        held[IMPORT_REPORTS_TABLE] = [
            row for row, _ in await self._reports_quoting(school_id, held["pupils"])
        ]
        return held

    async def _reports_quoting(
        self, school: uuid.UUID, pupils: list[HeldRow]
    ) -> list[tuple[HeldRow, dict[str, Any]]]:
        """Stored import reports that quote the pupil's UPN or MIS id, each with its report
        as it reads with them erased."""
        words = [w for p in pupils for w in (p["upn"], p["mis_id"]) if w]
        pattern = identifier_pattern(words)
        if pattern is None:
            return []
        result = await self.session.execute(_REPORTS_QUOTING, {"school": school, "words": words})
        found: list[tuple[HeldRow, dict[str, Any]]] = []
        for row in result.mappings():
            scrubbed = redacted(row["report"], pattern)
            if scrubbed != row["report"]:
                found.append((dict(row), scrubbed))
        return found

    async def hold(self, pupil_id: uuid.UUID) -> None:
        """Row-level security limits the lock to the caller's schools."""
        await self.session.execute(_LOCK_PUPIL, {"pupil": pupil_id})

    async def erase(
        self, school_id: uuid.UUID, pupil_id: uuid.UUID
    ) -> tuple[dict[str, int], dict[str, int]]:
        if not self._visible(school_id):
            return {}, {}
        params = {"school": school_id, "pupil": pupil_id}
        await self.hold(pupil_id)
        held = {table: await self._rows(table, school_id, pupil_id) for table in pupil_tables()}
        ids = await self._record_ids(school_id, pupil_id, held)
        scrub = await self.session.execute(_SCRUB, {"school": school_id, "ids": ids})
        reports = await self._reports_quoting(school_id, held["pupils"])
        for row, report in reports:
            await self.session.execute(
                _REPORT_REWRITE,
                {"school": school_id, "key": row["key"], "report": json.dumps(report)},
            )
        scrubbed = {AUDIT_TABLE: int(scrub.scalar_one()), IMPORT_REPORTS_TABLE: len(reports)}
        await self.session.execute(_MARK_BULK, {"ref": f"erasure:{pupil_id}"})
        erased: dict[str, int] = {}
        for table, described in pupil_tables().items():
            which = described.rows
            result = await self.session.execute(
                text(f"DELETE FROM {table} WHERE school_id = :school AND {which}"),  # noqa: S608
                params,
            )
            erased[table] = int(getattr(result, "rowcount", 0))
        await self.session.execute(_MARK_BULK, {"ref": ""})
        return erased, scrubbed

    async def note(
        self,
        school_id: uuid.UUID,
        action: AuditAction,
        pupil_id: uuid.UUID,
        changes: Mapping[str, Any],
    ) -> None:
        await self.session.execute(
            _NOTE,
            {
                "school": school_id,
                "action": action.value,
                "pupil": pupil_id,
                "changes": json.dumps(changes),
            },
        )
