"""The pupils feature's kind of pupil-level record as stored (persistence.records)."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.integration.exports import ExportFilter
from persistence.pupils.pupil_repository import SqlPupilRepository
from persistence.records import PupilTable, StoredKind
from persistence.scope import Scope

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


async def _pupils(
    session: AsyncSession, scope: Scope, schools: list[uuid.UUID], ids: list[uuid.UUID]
) -> Sequence[Any]:
    """Pupils with their characteristics and enrolments, archived ones included."""
    return await SqlPupilRepository(session, scope).get_many(ids)


PUPILS_STORED = StoredKind(
    name="pupils",
    table="pupils",
    load=_pupils,
    gone="r.deleted_at IS NOT NULL",  # archived
    export=_PUPILS,
    conditions=_pupil_conditions,
)


#: a pupil's own row, their characteristics and enrolments (persistence.privacy)
PUPIL_ROWS = PupilTable("pupils", rows="id = :pupil")
CHARACTERISTIC_ROWS = PupilTable("pupil_characteristics", order="position, id")
ENROLMENT_ROWS = PupilTable("enrolments", order="position, id")
