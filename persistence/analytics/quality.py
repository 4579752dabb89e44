"""Data quality: pupils on roll at an assessment point who lack a judgement on a strand.

Which strands a pupil should have is taken from what their school does: the strands
of every framework the pupil has been judged on in that school up to the end of the
module (a pre-formal pupil judged on the Engagement Model is not expected on Small
Steps). A pupil on roll with no judgement at all in the school is listed once, with
no strand, as never judged. "On roll" means an enrolment overlapping the module.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from domain.analytics.data_quality import MissingJudgement
from domain.analytics.progress import AssessmentPoint
from persistence.repository import ScopedRepository


@dataclass(frozen=True, slots=True)
class QualityQuery:
    school_ids: tuple[uuid.UUID, ...]
    academic_year: str
    sequence: int
    strand_id: uuid.UUID | None = None
    limit: int = 500

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "schools": list(self.school_ids),
            "year": self.academic_year,
            "seq": self.sequence,
            "limit": self.limit,
        }
        if self.strand_id is not None:
            params["strand"] = self.strand_id
        return params


def _missing_ctes(query: QualityQuery) -> str:
    """`WITH ... missing AS (...)`: one row per missing (pupil, strand); strand NULL when the
    pupil has never been judged."""
    narrow = " AND st.id = :strand" if query.strand_id is not None else ""
    return f"""
WITH point AS (
    SELECT m.school_id, m.id AS module_id, m.starts_on, m.ends_on
    FROM modules m
    WHERE m.school_id = ANY(:schools) AND m.academic_year = :year AND m.sequence = :seq
),
on_roll AS (
    SELECT DISTINCT p.school_id, p.id AS pupil_id, point.module_id, point.ends_on
    FROM pupils p
    JOIN point ON point.school_id = p.school_id
    JOIN enrolments e ON e.school_id = p.school_id AND e.pupil_id = p.id
    WHERE p.deleted_at IS NULL AND e.joined_on <= point.ends_on
      AND (e.left_on IS NULL OR e.left_on >= point.starts_on)
),
judged_frameworks AS (
    SELECT DISTINCT r.school_id, r.pupil_id, s.framework_id
    FROM on_roll r
    JOIN judgements j ON j.school_id = r.school_id AND j.pupil_id = r.pupil_id
                     AND j.assessed_on <= r.ends_on
    JOIN strands s ON s.id = j.strand_id
),
expected AS (
    SELECT r.school_id, r.pupil_id, r.module_id, st.id AS strand_id
    FROM on_roll r
    JOIN judged_frameworks jf ON jf.school_id = r.school_id AND jf.pupil_id = r.pupil_id
    JOIN strands st ON st.framework_id = jf.framework_id{narrow}
),
missing AS (
    SELECT x.school_id, x.pupil_id, x.strand_id
    FROM expected x
    WHERE NOT EXISTS (
        SELECT 1 FROM judgements j
        WHERE j.school_id = x.school_id AND j.pupil_id = x.pupil_id
          AND j.strand_id = x.strand_id AND j.module_id = x.module_id
    )
    UNION ALL
    SELECT r.school_id, r.pupil_id, NULL::uuid
    FROM on_roll r
    WHERE NOT EXISTS (
        SELECT 1 FROM judged_frameworks jf
        WHERE jf.school_id = r.school_id AND jf.pupil_id = r.pupil_id
    )
)
"""


def missing_sql(query: QualityQuery) -> str:
    """The first `:limit` missing rows by school, pupil and strand."""
    return _missing_ctes(query) + (
        "SELECT school_id, pupil_id, strand_id FROM missing"
        " ORDER BY school_id, pupil_id, strand_id NULLS FIRST LIMIT :limit"
    )


def missing_by_strand_sql(query: QualityQuery) -> str:
    """How many are missing per strand (NULL: pupils never judged), over all rows."""
    return (
        _missing_ctes(query)
        + "SELECT strand_id, count(*) AS missing FROM missing GROUP BY strand_id"
    )


class SqlDataQualityQueries(ScopedRepository):
    async def missing_judgements(
        self,
        point: AssessmentPoint,
        school_ids: Sequence[uuid.UUID],
        strand_id: uuid.UUID | None,
        limit: int,
    ) -> tuple[list[MissingJudgement], dict[uuid.UUID | None, int]]:
        visible = tuple(
            s for s in school_ids if self.scope.school_ids is None or s in self.scope.school_ids
        )
        query = QualityQuery(visible, point.academic_year, point.sequence, strand_id, limit)
        rows = (await self.session.execute(text(missing_sql(query)), query.params())).all()
        counts = (
            await self.session.execute(text(missing_by_strand_sql(query)), query.params())
        ).all()
        return (
            [MissingJudgement(r.school_id, r.pupil_id, r.strand_id) for r in rows],
            {r.strand_id: r.missing for r in counts},
        )
