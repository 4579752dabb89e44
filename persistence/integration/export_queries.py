"""The ExportQueries port: one set-based statement per resource, joined to readable columns
(strand and step codes, academic year, module number), read through a server-side cursor.

Each statement lists its columns in the order of the domain's record type (domain.exports)
and is ordered by the table's primary key, so the cursor streams from the index without a
sort and an export comes out the same way every time.
"""

import uuid
from collections.abc import AsyncGenerator, Callable
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID

from domain.integration.exports import RECORDS, ExportFilter, ExportRecord, ExportResource
from persistence.repository import ScopedRepository

#: a row's own date inside the export's school's module window of the academic year
_IN_MODULE = """EXISTS (SELECT 1 FROM modules wm
    WHERE wm.school_id = {table}.school_id AND wm.academic_year = :year
      AND wm.sequence = :module AND {day} BETWEEN wm.starts_on AND wm.ends_on)"""

#: an enrolment of the pupil meeting every condition in `overlaps`
_ENROLLED = """EXISTS (SELECT 1 FROM enrolments oe
    WHERE oe.school_id = p.school_id AND oe.pupil_id = p.id AND {overlaps})"""

_PUPILS = """
SELECT p.upn, p.mis_id, p.forename, p.surname, p.date_of_birth, p.gender, p.year_group,
       p.pathway, e.joined_on, e.left_on, e.registration,
       c.sen_provision, c.primary_need, c.secondary_need,
       coalesce(c.pupil_premium, false), coalesce(c.fsm, false), coalesce(c.eal, false),
       coalesce(c.looked_after, false),
       p.id, p.school_id, s.urn
FROM pupils p
JOIN schools s ON s.id = p.school_id
LEFT JOIN LATERAL (
    SELECT le.joined_on, le.left_on, le.registration FROM enrolments le
    WHERE le.school_id = p.school_id AND le.pupil_id = p.id
    ORDER BY le.joined_on DESC LIMIT 1
) e ON true
LEFT JOIN LATERAL (
    SELECT max(pc.value) FILTER (WHERE pc.kind = 'sen_provision') AS sen_provision,
           (array_agg(pc.value ORDER BY pc.rank NULLS LAST)
               FILTER (WHERE pc.kind = 'sen_need'))[1] AS primary_need,
           (array_agg(pc.value ORDER BY pc.rank NULLS LAST)
               FILTER (WHERE pc.kind = 'sen_need'))[2] AS secondary_need,
           bool_or(pc.kind = 'pupil_premium') AS pupil_premium,
           bool_or(pc.kind = 'fsm') AS fsm,
           bool_or(pc.kind = 'eal') AS eal,
           bool_or(pc.kind = 'looked_after') AS looked_after
    FROM pupil_characteristics pc
    WHERE pc.school_id = p.school_id AND pc.pupil_id = p.id
      AND pc.start_on <= :as_at AND (pc.end_on IS NULL OR pc.end_on >= :as_at)
) c ON true
WHERE p.school_id = ANY(:schools) AND p.deleted_at IS NULL {where}
ORDER BY p.school_id, p.id
"""

_JUDGEMENTS = """
SELECT p.upn, p.mis_id, f.name, st.code, m.academic_year, m.sequence, sp.code, j.kind,
       j.assessed_on, j.assessor, j.note, sp.label, j.moderation_state, ms.code,
       j.id, j.pupil_id, j.school_id
FROM judgements j
JOIN pupils p ON p.school_id = j.school_id AND p.id = j.pupil_id
JOIN modules m ON m.school_id = j.school_id AND m.id = j.module_id
JOIN strands st ON st.id = j.strand_id
JOIN frameworks f ON f.id = st.framework_id
JOIN steps sp ON sp.id = j.step_id
LEFT JOIN steps ms ON ms.id = j.moderated_step_id
WHERE j.school_id = ANY(:schools) {where}
ORDER BY j.school_id, j.id
"""

_TARGETS = """
SELECT p.upn, p.mis_id, f.name, st.code, t.academic_year, sp.code, t.status, t.set_on,
       t.set_by, t.rationale, sp.label, t.id, t.supersedes_id, t.pupil_id, t.school_id
FROM targets t
JOIN pupils p ON p.school_id = t.school_id AND p.id = t.pupil_id
JOIN strands st ON st.id = t.strand_id
JOIN frameworks f ON f.id = st.framework_id
JOIN steps sp ON sp.id = t.step_id
WHERE t.school_id = ANY(:schools) {where}
ORDER BY t.school_id, t.id
"""

_ATTENDANCE = """
SELECT p.upn, p.mis_id, a.session_date, a.session, a.code, a.id, a.pupil_id, a.school_id
FROM attendance_marks a
JOIN pupils p ON p.school_id = a.school_id AND p.id = a.pupil_id
WHERE a.school_id = ANY(:schools) {where}
ORDER BY a.school_id, a.id
"""

_QUALIFICATIONS = """
SELECT p.upn, p.mis_id, q.awarding_body, q.title, q.subject, q.level, q.kind, q.status,
       q.result, q.awarded_on, q.id, q.pupil_id, q.school_id
FROM qualification_entries q
JOIN pupils p ON p.school_id = q.school_id AND p.id = q.pupil_id
WHERE q.school_id = ANY(:schools) {where}
ORDER BY q.school_id, q.id
"""

_DESTINATIONS = """
SELECT p.upn, p.mis_id, d.left_on, d.year_group_at_leaving, d.category, d.provider,
       d.sustained, d.id, d.pupil_id, d.school_id
FROM destinations d
JOIN pupils p ON p.school_id = d.school_id AND p.id = d.pupil_id
WHERE d.school_id = ANY(:schools) {where}
ORDER BY d.school_id, d.id
"""


def _since_until(day: str, f: ExportFilter) -> list[str]:
    found = []
    if f.since is not None:
        found.append(f"{day} >= :since")
    if f.until is not None:
        found.append(f"{day} <= :until")
    return found


def _dated(table: str, day: str) -> Callable[[ExportFilter], list[str]]:
    """Conditions putting a row's own date in the window: since/until, the academic year's
    dates, and the school's module window when a module is asked for."""

    def conditions(f: ExportFilter) -> list[str]:
        found = _since_until(day, f)
        if f.academic_year is not None:
            found.append(f"{day} BETWEEN :year_starts AND :year_ends")
        if f.module is not None:
            found.append(_IN_MODULE.format(table=table, day=day))
        return found

    return conditions


def _judgement_conditions(f: ExportFilter) -> list[str]:
    found = _since_until("j.assessed_on", f)
    if f.academic_year is not None:
        found.append("m.academic_year = :year")
    if f.module is not None:
        found.append("m.sequence = :module")
    return found


def _target_conditions(f: ExportFilter) -> list[str]:
    found = _since_until("t.set_on", f)
    if f.academic_year is not None:
        found.append("t.academic_year = :year")
    return found


def _pupil_conditions(f: ExportFilter) -> list[str]:
    """On roll at some time in the window: an enrolment overlapping every bound given."""
    overlaps = []
    if f.since is not None:
        overlaps.append("(oe.left_on IS NULL OR oe.left_on >= :since)")
    if f.until is not None:
        overlaps.append("oe.joined_on <= :until")
    if f.academic_year is not None:
        overlaps.append("(oe.left_on IS NULL OR oe.left_on >= :year_starts)")
        overlaps.append("oe.joined_on <= :year_ends")
    if f.module is not None:
        overlaps.append(
            "EXISTS (SELECT 1 FROM modules wm WHERE wm.school_id = oe.school_id"
            " AND wm.academic_year = :year AND wm.sequence = :module"
            " AND oe.joined_on <= wm.ends_on"
            " AND (oe.left_on IS NULL OR oe.left_on >= wm.starts_on))"
        )
    if not overlaps:
        return []
    return [_ENROLLED.format(overlaps=" AND ".join(overlaps))]


_STATEMENTS: dict[ExportResource, tuple[str, Callable[[ExportFilter], list[str]]]] = {
    ExportResource.PUPILS: (_PUPILS, _pupil_conditions),
    ExportResource.JUDGEMENTS: (_JUDGEMENTS, _judgement_conditions),
    ExportResource.TARGETS: (_TARGETS, _target_conditions),
    ExportResource.ATTENDANCE: (_ATTENDANCE, _dated("a", "a.session_date")),
    ExportResource.QUALIFICATIONS: (_QUALIFICATIONS, _dated("q", "q.awarded_on")),
    ExportResource.DESTINATIONS: (_DESTINATIONS, _dated("d", "d.left_on")),
}


class SqlExportQueries(ScopedRepository):
    async def batches(
        self, resource: ExportResource, export_filter: ExportFilter, size: int
    ) -> AsyncGenerator[list[ExportRecord], None]:
        template, conditions = _STATEMENTS[resource]
        where = "".join(f"\n  AND {c}" for c in conditions(export_filter))
        statement = text(template.format(where=where)).bindparams(
            bindparam("schools", type_=ARRAY(PG_UUID(as_uuid=True)))
        )
        make = RECORDS[resource]._make
        result = await self.session.stream(
            statement, self._params(export_filter), execution_options={"yield_per": size}
        )
        try:
            async for partition in result.partitions(size):
                yield [make(row) for row in partition]
        finally:
            await result.close()

    def _params(self, f: ExportFilter) -> dict[str, Any]:
        schools: list[uuid.UUID] = [
            s for s in f.school_ids if self.scope.school_ids is None or s in self.scope.school_ids
        ]
        params: dict[str, Any] = {"schools": schools, "as_at": f.as_at}
        if f.since is not None:
            params["since"] = f.since
        if f.until is not None:
            params["until"] = f.until
        if f.academic_year is not None:
            params["year"] = f.academic_year.label
            params["year_starts"] = f.academic_year.starts_on
            params["year_ends"] = f.academic_year.ends_on
        if f.module is not None:
            params["module"] = f.module
        return params
