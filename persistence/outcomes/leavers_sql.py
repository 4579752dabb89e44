"""Leavers' destinations counted per category, each leaver once at their latest leaving
date in the period (a pupil may leave, return and leave again)."""

from typing import Any

from domain.outcomes.destination import LeaverQuery


def params(query: LeaverQuery) -> dict[str, Any]:
    found: dict[str, Any] = {"schools": list(query.school_ids)}
    if query.left_from is not None:
        found["left_from"] = query.left_from
    if query.left_to is not None:
        found["left_to"] = query.left_to
    if query.year_group_at_leaving is not None:
        found["year_group"] = query.year_group_at_leaving
    return found


def destinations_sql(query: LeaverQuery) -> str:
    """Rows (category, leavers, sustained, not_sustained)."""
    narrow = ""
    if query.left_from is not None:
        narrow += " AND d.left_on >= CAST(:left_from AS date)"
    if query.left_to is not None:
        narrow += " AND d.left_on <= CAST(:left_to AS date)"
    if query.year_group_at_leaving is not None:
        narrow += " AND d.year_group_at_leaving = CAST(:year_group AS text)"
    return f"""
WITH leavers AS (
    SELECT DISTINCT ON (d.school_id, d.pupil_id) d.category, d.sustained
    FROM destinations d
    WHERE d.school_id = ANY(CAST(:schools AS uuid[])){narrow}
    ORDER BY d.school_id, d.pupil_id, d.left_on DESC
)
SELECT category, count(*) AS leavers,
       count(*) FILTER (WHERE sustained) AS sustained,
       count(*) FILTER (WHERE NOT sustained) AS not_sustained
FROM leavers
GROUP BY category
"""
