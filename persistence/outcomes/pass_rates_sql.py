"""Pass rates of completed qualification entries, overall and per level, subject, awarding
body or kind, in one GROUP BY. An entry passed when its result is not a fail
(domain.qualification.FAILING_RESULTS, passed in as an array); levels are compared by their
place in domain.qualification.LEVEL_ORDER."""

from typing import Any

from domain.outcomes.qualification import FAILING_RESULTS, LEVEL_ORDER, PassRateQuery

#: group name -> column of qualification_entries
PASS_RATE_COLUMNS = {
    "level": "e.level",
    "subject": "e.subject",
    "awarding_body": "e.awarding_body",
    "kind": "e.kind",
}


def params(query: PassRateQuery) -> dict[str, Any]:
    found: dict[str, Any] = {
        "schools": list(query.school_ids),
        "failing": sorted(FAILING_RESULTS),
        "levels": [level.value for level in LEVEL_ORDER],
    }
    if query.awarded_from is not None:
        found["awarded_from"] = query.awarded_from
    if query.awarded_to is not None:
        found["awarded_to"] = query.awarded_to
    if query.min_level is not None:
        found["min_rank"] = query.min_level.rank
    if query.max_level is not None:
        found["max_rank"] = query.max_level.rank
    return found


def pass_rates_sql(query: PassRateQuery) -> str:
    """Rows (total, value, completed, passed, pupils): total is the row for everyone."""
    narrow = ""
    if query.awarded_from is not None:
        narrow += " AND q.awarded_on >= CAST(:awarded_from AS date)"
    if query.awarded_to is not None:
        narrow += " AND q.awarded_on <= CAST(:awarded_to AS date)"
    rank = "array_position(CAST(:levels AS text[]), q.level)"
    if query.min_level is not None:
        narrow += f" AND {rank} >= CAST(:min_rank AS int)"
    if query.max_level is not None:
        narrow += f" AND {rank} <= CAST(:max_rank AS int)"
    if query.group_by is None:
        group, total, value, sets = "NULL::text", "true", "NULL::text", "()"
    else:
        group = PASS_RATE_COLUMNS[query.group_by]
        total, value, sets = "GROUPING(g) = 1", "g", "(), (g)"
    return f"""
WITH entries AS (
    SELECT q.*, q.result IS NOT NULL
                AND lower(q.result) <> ALL (CAST(:failing AS text[])) AS passed
    FROM qualification_entries q
    WHERE q.school_id = ANY(CAST(:schools AS uuid[])) AND q.status = 'completed'{narrow}
),
grouped AS (
    SELECT e.*, {group} AS g FROM entries e
)
SELECT {total} AS total, {value} AS value, count(*) AS completed,
       count(*) FILTER (WHERE passed) AS passed, count(DISTINCT pupil_id) AS pupils
FROM grouped
GROUP BY GROUPING SETS ({sets})
"""
