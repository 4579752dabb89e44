"""Attendance counted from register marks: sessions per pupil, and totals per group.

A mark's category comes from the domain's code table (domain.attendance.CODES), passed in
as two arrays, so the SQL never restates it; a stored code the table no longer knows is
not counted. Possible sessions are present + approved educational activity + authorised
+ unauthorised; persistent absence is absent x 10 >= possible and severe absence
absent x 2 >= possible, in whole numbers as domain.attendance decides them. Groups are as
at the last day of the period, year group in the academic year that day falls in.
"""

from typing import Any

from domain.outcomes.attendance import CODES, AttendanceQuery
from persistence.analytics.facts import ACADEMIC_START, YEAR_ORDINAL
from persistence.outcomes.groups_sql import (
    GROUP_VALUES,
    characteristics_on,
    group_columns,
    grouping,
)


def params(query: AttendanceQuery) -> dict[str, Any]:
    return {
        "schools": list(query.school_ids),
        "date_from": query.date_from,
        "date_to": query.date_to,
        "current_year_start": query.current_year_start,
        "codes": list(CODES),
        "categories": [c.category.value for c in CODES.values()],
    }


_PER_PUPIL = """
WITH codes AS (
    SELECT * FROM unnest(CAST(:codes AS text[]), CAST(:categories AS text[])) AS c(code, category)
),
per_pupil AS (
    SELECT m.school_id, m.pupil_id,
           count(*) FILTER (WHERE c.category = 'present') AS present,
           count(*) FILTER (WHERE c.category = 'approved_educational_activity') AS approved,
           count(*) FILTER (WHERE c.category = 'authorised_absence') AS authorised,
           count(*) FILTER (WHERE c.category = 'unauthorised_absence') AS unauthorised,
           count(*) FILTER (WHERE c.category IS NULL OR c.category = 'not_counted')
               AS not_counted
    FROM attendance_marks m
    LEFT JOIN codes c ON c.code = m.code
    WHERE m.school_id = ANY(CAST(:schools AS uuid[]))
      AND m.session_date BETWEEN CAST(:date_from AS date) AND CAST(:date_to AS date)
    GROUP BY m.school_id, m.pupil_id
),
flagged AS (
    SELECT pp.*, pp.authorised + pp.unauthorised AS absent,
           pp.present + pp.approved + pp.authorised + pp.unauthorised AS possible
    FROM per_pupil pp
)
"""

PUPILS_SQL = (
    _PER_PUPIL
    + """
SELECT school_id, pupil_id, present, approved, authorised, unauthorised, not_counted
FROM per_pupil
ORDER BY school_id, pupil_id
"""
)


def _year_group_then() -> str:
    now = YEAR_ORDINAL.format(col="p.year_group")
    then = (
        f"({now} - (CAST(:current_year_start AS int)"
        f" - {ACADEMIC_START.format(d='CAST(:date_to AS date)')}))"
    )
    return (
        f"CASE {then} WHEN -2 THEN 'N1' WHEN -1 THEN 'N2' WHEN 0 THEN 'R' ELSE ({then})::text END"
    )


def groups_sql(query: AttendanceQuery) -> str:
    """Rows (dimension, value, pupils, present, approved, authorised, unauthorised,
    not_counted, persistent, severe); `pupils` counts those with a possible session."""
    values = {**GROUP_VALUES, "year_group": _year_group_then()}
    columns = group_columns(query.dimensions, values)
    name, value, sets = grouping(query.dimensions)
    return (
        _PER_PUPIL
        + f""",
characteristics AS ({characteristics_on("per_pupil", "CAST(:date_to AS date)")}),
dims AS (
    SELECT f.*{columns}
    FROM flagged f
    JOIN pupils p ON p.school_id = f.school_id AND p.id = f.pupil_id
    LEFT JOIN characteristics ch ON ch.school_id = f.school_id AND ch.pupil_id = f.pupil_id
)
SELECT {name} AS dimension, {value} AS value,
       count(*) FILTER (WHERE possible > 0) AS pupils,
       coalesce(sum(present), 0)::bigint AS present,
       coalesce(sum(approved), 0)::bigint AS approved,
       coalesce(sum(authorised), 0)::bigint AS authorised,
       coalesce(sum(unauthorised), 0)::bigint AS unauthorised,
       coalesce(sum(not_counted), 0)::bigint AS not_counted,
       count(*) FILTER (WHERE possible > 0 AND absent * 10 >= possible) AS persistent,
       count(*) FILTER (WHERE possible > 0 AND absent * 2 >= possible) AS severe
FROM dims
GROUP BY GROUPING SETS ({sets})
"""
    )
