"""The targets feature's kinds of pupil-level record as stored (persistence.records)."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from domain.integration.exports import ExportFilter
from persistence.records import PupilTable, StoredKind, since_until
from persistence.scope import Scope
from persistence.targets.mapping import target_from_rows
from persistence.targets.tables import TargetRevisionRow, TargetRow

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


def _target_conditions(f: ExportFilter) -> list[str]:
    found = since_until("t.set_on", f)
    if f.academic_year is not None:
        found.append("t.academic_year = :year")
    return found


async def _targets(
    session: AsyncSession, scope: Scope, schools: list[uuid.UUID], ids: list[uuid.UUID]
) -> Sequence[Any]:
    """Targets with their history, one statement each for the batch."""
    rows = (
        await session.execute(
            select(TargetRow).where(
                col(TargetRow.school_id).in_(schools), col(TargetRow.id).in_(ids)
            )
        )
    ).scalars()
    history: dict[uuid.UUID, list[TargetRevisionRow]] = defaultdict(list)
    revisions = select(TargetRevisionRow).where(
        col(TargetRevisionRow.school_id).in_(schools),
        col(TargetRevisionRow.target_id).in_(ids),
    )
    for revision in (await session.execute(revisions)).scalars():
        history[revision.target_id].append(revision)
    return [target_from_rows(r, history[r.id]) for r in rows]


TARGETS_STORED = StoredKind(
    name="targets",
    table="targets",
    load=_targets,
    export=_TARGETS,
    conditions=_target_conditions,
)


#: a pupil's targets with their history, and outcome targets with evaluations (privacy)
TARGET_ROWS = PupilTable("targets")
TARGET_REVISION_ROWS = PupilTable(
    "target_revisions",
    rows="target_id IN (SELECT id FROM targets WHERE school_id = :school AND pupil_id = :pupil)",
    order="changed_at, id",
)
OUTCOME_TARGET_ROWS = PupilTable("outcome_targets")
EVALUATION_ROWS = PupilTable(
    "outcome_evaluations",
    rows=(
        "outcome_id IN"
        " (SELECT id FROM outcome_targets WHERE school_id = :school AND pupil_id = :pupil)"
    ),
)
