"""The ImportStore port: rows COPYed into a transaction-local staging table, then applied
to the real table by natural key in a few set-based statements."""

import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select

from domain.assessment.judgement_rows import ImportedJudgement, PupilKey
from domain.integration.idempotency import StoredImport
from domain.integration.imports import ImportCounts, ImportMode, ImportReport, RowError
from domain.kernel.ids import new_id
from domain.outcomes.attendance_rows import ImportedMark
from persistence.integration.tables import IdempotencyRecordRow
from persistence.outcomes import attendance_staging as marks
from persistence.pupils.tables import PupilRow
from persistence.repository import ScopedRepository

_STAGE_COLUMNS = (
    "line", "id", "school_id", "pupil_id", "strand_id", "module_id", "step_id", "kind",
    "assessed_on", "assessor", "note",
)  # fmt: skip

# dropped with the transaction, committed or not
_CREATE_STAGE = """
CREATE TEMP TABLE IF NOT EXISTS staged_judgements (
    line integer NOT NULL, id uuid NOT NULL, school_id uuid NOT NULL, pupil_id uuid NOT NULL,
    strand_id uuid NOT NULL, module_id uuid NOT NULL, step_id uuid NOT NULL,
    kind varchar NOT NULL, assessed_on date NOT NULL, assessor varchar NOT NULL,
    note varchar NOT NULL
) ON COMMIT DROP
"""

_DUPLICATES = """
WITH ranked AS (
    SELECT line, min(line) OVER (PARTITION BY pupil_id, strand_id, module_id) AS first_line
    FROM staged_judgements WHERE school_id = :school
)
DELETE FROM staged_judgements s USING ranked r
WHERE s.line = r.line AND r.line > r.first_line
RETURNING s.line, r.first_line
"""

_MATCH = """j.school_id = s.school_id AND j.pupil_id = s.pupil_id
          AND j.strand_id = s.strand_id AND j.module_id = s.module_id"""

# a correction through an import: the old state kept as a revision, as a teacher's
# correction keeps it; a new step undoes earlier moderation (domain.judgement)
_UPDATE = f"""
WITH changed AS (
    SELECT j.school_id, j.id, j.version, j.step_id, j.kind, j.assessed_on, j.assessor, j.note,
           j.moderation_state, j.moderated_step_id, j.moderator, j.moderated_on,
           s.step_id AS new_step_id, s.kind AS new_kind, s.assessed_on AS new_assessed_on,
           s.assessor AS new_assessor, s.note AS new_note
    FROM staged_judgements s
    JOIN judgements j ON {_MATCH}
    WHERE s.school_id = :school AND j.school_id = :school
      AND (j.step_id, j.kind, j.assessed_on, j.assessor, j.note)
          IS DISTINCT FROM (s.step_id, s.kind, s.assessed_on, s.assessor, s.note)
),
revised AS (
    INSERT INTO judgement_revisions (school_id, id, judgement_id, version, step_id, kind,
        assessed_on, assessor, note, moderation_state, moderated_step_id, moderator,
        moderated_on, changed_by, changed_at, reason)
    SELECT school_id, gen_random_uuid(), id, version, step_id, kind, assessed_on, assessor,
           note, moderation_state, moderated_step_id, moderator, moderated_on, :by, :at,
           :reason
    FROM changed
)
UPDATE judgements j
SET step_id = c.new_step_id, kind = c.new_kind, assessed_on = c.new_assessed_on,
    assessor = c.new_assessor, note = c.new_note, version = j.version + 1,
    moderation_state = CASE WHEN c.new_step_id <> c.step_id THEN 'unmoderated'
                            ELSE j.moderation_state END,
    moderated_step_id = CASE WHEN c.new_step_id <> c.step_id THEN NULL
                             ELSE j.moderated_step_id END,
    moderator = CASE WHEN c.new_step_id <> c.step_id THEN NULL ELSE j.moderator END,
    moderated_on = CASE WHEN c.new_step_id <> c.step_id THEN NULL ELSE j.moderated_on END
FROM changed c
WHERE j.school_id = c.school_id AND j.id = c.id
"""

_INSERT = f"""
INSERT INTO judgements (school_id, id, pupil_id, strand_id, module_id, step_id, kind,
    assessed_on, assessor, note, evidence, moderation_state, recorded_by, recorded_at, version)
SELECT s.school_id, s.id, s.pupil_id, s.strand_id, s.module_id, s.step_id, s.kind,
       s.assessed_on, s.assessor, s.note, '{{}}', 'unmoderated', :by, :at, 1
FROM staged_judgements s
WHERE s.school_id = :school
  AND NOT EXISTS (SELECT 1 FROM judgements j WHERE {_MATCH})
ON CONFLICT DO NOTHING
"""


#: set-based statements over a whole file's rows (a million judgements) may run longer
#: than the app's per-statement limit (DatabaseSettings.statement_timeout_ms); an import
#: lifts it for the rest of its own transaction only
BULK_STATEMENT_TIMEOUT_MS = 30 * 60 * 1000
_LIFT_TIMEOUT = text("SELECT set_config('statement_timeout', :ms, true)")


class SqlImportStore(ScopedRepository):
    async def _bulk(self, create_stage: str) -> None:
        """The staging table, and room for the set-based statements that read it."""
        await self.session.execute(text(create_stage))
        await self.session.execute(_LIFT_TIMEOUT, {"ms": str(BULK_STATEMENT_TIMEOUT_MS)})

    async def _driver(self) -> asyncpg.Connection:
        """The transaction's asyncpg connection, for COPY (SQLAlchemy has no COPY)."""
        connection = await self.session.connection()
        raw = await connection.get_raw_connection()
        driver: asyncpg.Connection = raw.driver_connection
        return driver

    async def pupil_keys(
        self, school_id: uuid.UUID, include_archived: bool = False
    ) -> list[PupilKey]:
        stmt = select(PupilRow.id, PupilRow.upn, PupilRow.mis_id, PupilRow.deleted_at).where(
            col(PupilRow.school_id) == school_id, self.scope.schools(PupilRow.school_id)
        )
        if not include_archived:
            stmt = stmt.where(col(PupilRow.deleted_at).is_(None))
        return [
            PupilKey(r.id, r.upn, r.mis_id, r.deleted_at is not None)
            for r in (await self.session.execute(stmt))
        ]

    async def stage_judgements(
        self, school_id: uuid.UUID, rows: Sequence[ImportedJudgement]
    ) -> None:
        await self.session.execute(text(_CREATE_STAGE))
        records = [
            (
                r.line,
                new_id(),
                school_id,
                r.pupil_id,
                r.strand_id,
                r.module_id,
                r.step_id,
                r.kind.value,
                r.assessed_on,
                r.assessor,
                r.note,
            )
            for r in rows
        ]
        driver = await self._driver()
        await driver.copy_records_to_table(
            "staged_judgements", records=records, columns=_STAGE_COLUMNS
        )

    async def drop_duplicate_judgements(self, school_id: uuid.UUID) -> list[RowError]:
        await self._bulk(_CREATE_STAGE)
        found = (await self.session.execute(text(_DUPLICATES), {"school": school_id})).all()
        return [
            RowError(
                line,
                "module",
                f"the same pupil, strand and module as line {first}",
                "duplicate",
            )
            for line, first in sorted(found)
        ]

    async def apply_judgements(
        self, school_id: uuid.UUID, changed_by: str, changed_at: datetime, reason: str
    ) -> ImportCounts:
        await self._bulk(_CREATE_STAGE)
        params = {"school": school_id, "by": changed_by, "at": changed_at, "reason": reason}
        updated = (await self.session.execute(text(_UPDATE), params)).rowcount  # type: ignore[attr-defined]
        inserted = (await self.session.execute(text(_INSERT), params)).rowcount  # type: ignore[attr-defined]
        staged = (
            await self.session.execute(
                text("SELECT count(*) FROM staged_judgements WHERE school_id = :school"),
                {"school": school_id},
            )
        ).scalar_one()
        return ImportCounts(inserted, updated, staged - inserted - updated)

    async def stage_marks(self, school_id: uuid.UUID, rows: Sequence[ImportedMark]) -> None:
        await self.session.execute(text(marks.CREATE_STAGE))
        records = [
            (r.line, new_id(), school_id, r.pupil_id, r.date, r.session.value, r.code) for r in rows
        ]
        driver = await self._driver()
        await driver.copy_records_to_table(
            "staged_marks", records=records, columns=marks.STAGE_COLUMNS
        )

    async def drop_duplicate_marks(self, school_id: uuid.UUID) -> list[RowError]:
        await self._bulk(marks.CREATE_STAGE)
        found = (await self.session.execute(text(marks.DUPLICATES), {"school": school_id})).all()
        return [
            RowError(
                line, "session", f"the same pupil, date and session as line {first}", "duplicate"
            )
            for line, first in sorted(found)
        ]

    async def apply_marks(self, school_id: uuid.UUID) -> ImportCounts:
        await self._bulk(marks.CREATE_STAGE)
        params = {"school": school_id}
        updated = (await self.session.execute(text(marks.UPDATE), params)).rowcount  # type: ignore[attr-defined]
        inserted = (await self.session.execute(text(marks.INSERT), params)).rowcount  # type: ignore[attr-defined]
        staged = (await self.session.execute(text(marks.COUNT), params)).scalar_one()
        return ImportCounts(inserted, updated, staged - inserted - updated)

    async def stored(self, school_id: uuid.UUID, key: str) -> StoredImport | None:
        stmt = select(IdempotencyRecordRow).where(
            col(IdempotencyRecordRow.school_id) == school_id,
            col(IdempotencyRecordRow.key) == key,
            self.scope.schools(IdempotencyRecordRow.school_id),
        )
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        if row is None:
            return None
        return StoredImport(row.key, row.request_digest, _report_from(row.report), row.created_at)

    async def store(self, school_id: uuid.UUID, stored: StoredImport) -> None:
        await self.session.execute(
            insert(IdempotencyRecordRow).values(
                school_id=school_id,
                key=stored.key,
                resource=stored.report.resource,
                request_digest=stored.request_digest,
                report=_report_json(stored.report),
                created_at=stored.created_at,
            )
        )


def _report_json(report: ImportReport) -> dict[str, Any]:
    return asdict(report)


def _report_from(data: dict[str, Any]) -> ImportReport:
    return ImportReport(
        resource=data["resource"],
        mode=ImportMode(data["mode"]),
        atomic=data["atomic"],
        rows=data["rows"],
        rejected=data["rejected"],
        counts=ImportCounts(**data["counts"]),
        committed=data["committed"],
        errors=[RowError(**e) for e in data["errors"]],
    )
