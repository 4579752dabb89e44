"""A KS4 measure evaluated for a leaving year, in one statement (see domain.measure).

  leavers     each pupil with a destination in the leaving year at the year group, once,
              at their latest leaving date there
  terms       the programme's terms (3 a year, fixed dates) that started by the leaving date
              and that an enrolment of the pupil overlaps
  passes      completed entries whose result is not a fail, with their level's rank and
              whether the subject is English or maths
  qualifies   for each rule of the exclusion chain (rules[0] first), whether the leaver meets
              it: terms, passes at or above the level, English and maths if asked
  counted     the chain folded in order: counted = qualifies and not counted by the rule
              before (a recursive CTE, one row per leaver and rule)

The last rule's rows are broken down by the measure's subgroups as at each leaving date.
"""

from typing import Any

from domain.kernel.calendar import AcademicYear
from domain.outcomes.measure import MeasureQuery
from domain.outcomes.qualification import (
    ENGLISH_SUBJECTS,
    FAILING_RESULTS,
    LEVEL_ORDER,
    MATHS_SUBJECTS,
)
from persistence.outcomes.groups_sql import (
    GROUP_VALUES,
    characteristics_on,
    group_columns,
    grouping,
)


def params(query: MeasureQuery) -> dict[str, Any]:
    year = AcademicYear(query.leaving_year_start)
    return {
        "schools": list(query.school_ids),
        "year_group": query.year_group_at_leaving,
        "year_from": year.starts_on,
        "year_to": year.ends_on,
        "year_start": year.start_year,
        "programme_years": query.programme_years,
        "min_terms": [r.min_terms_on_programme for r in query.rules],
        "min_quals": [r.min_qualifications for r in query.rules],
        "min_ranks": [r.min_level.rank for r in query.rules],
        "need_em": [r.require_english_and_maths for r in query.rules],
        "levels": [level.value for level in LEVEL_ORDER],
        "failing": sorted(FAILING_RESULTS),
        "english": [f"{prefix}%" for prefix in ENGLISH_SUBJECTS],
        "maths": [f"{prefix}%" for prefix in MATHS_SUBJECTS],
    }


_YEARS = (
    "generate_series(CAST(:year_start AS int) - CAST(:programme_years AS int) + 1,"
    " CAST(:year_start AS int)) AS y"
)

_CHAIN = f"""
WITH RECURSIVE leavers AS (
    SELECT DISTINCT ON (d.school_id, d.pupil_id) d.school_id, d.pupil_id, d.left_on
    FROM destinations d
    WHERE d.school_id = ANY(CAST(:schools AS uuid[]))
      AND d.year_group_at_leaving = CAST(:year_group AS text)
      AND d.left_on BETWEEN CAST(:year_from AS date) AND CAST(:year_to AS date)
    ORDER BY d.school_id, d.pupil_id, d.left_on DESC
),
programme_terms AS (
    SELECT make_date(y, 9, 1) AS starts_on, make_date(y, 12, 31) AS ends_on FROM {_YEARS}
    UNION ALL
    SELECT make_date(y + 1, 1, 1), make_date(y + 1, 3, 31) FROM {_YEARS}
    UNION ALL
    SELECT make_date(y + 1, 4, 1), make_date(y + 1, 8, 31) FROM {_YEARS}
),
terms AS (
    SELECT l.school_id, l.pupil_id, count(*) AS terms
    FROM leavers l
    JOIN programme_terms t ON t.starts_on <= l.left_on
    WHERE EXISTS (
        SELECT 1 FROM enrolments e
        WHERE e.school_id = l.school_id AND e.pupil_id = l.pupil_id
          AND e.joined_on <= t.ends_on AND (e.left_on IS NULL OR e.left_on >= t.starts_on)
    )
    GROUP BY l.school_id, l.pupil_id
),
passes AS (
    SELECT q.school_id, q.pupil_id,
           array_position(CAST(:levels AS text[]), q.level) AS level_rank,
           lower(q.subject) LIKE ANY (CAST(:english AS text[])) AS english,
           lower(q.subject) LIKE ANY (CAST(:maths AS text[])) AS maths
    FROM qualification_entries q
    JOIN leavers l ON l.school_id = q.school_id AND l.pupil_id = q.pupil_id
    WHERE q.status = 'completed' AND q.result IS NOT NULL
      AND lower(q.result) <> ALL (CAST(:failing AS text[]))
),
rules AS (
    SELECT * FROM unnest(
        CAST(:min_terms AS int[]), CAST(:min_quals AS int[]),
        CAST(:min_ranks AS int[]), CAST(:need_em AS boolean[])
    ) WITH ORDINALITY AS r(min_terms, min_quals, min_rank, need_em, step)
),
qualifies AS (
    SELECT l.school_id, l.pupil_id, r.step,
           coalesce(t.terms, 0) >= r.min_terms
           AND (SELECT count(*) FROM passes p
                WHERE p.school_id = l.school_id AND p.pupil_id = l.pupil_id
                  AND p.level_rank >= r.min_rank) >= r.min_quals
           AND (NOT r.need_em OR (
                EXISTS (SELECT 1 FROM passes p WHERE p.school_id = l.school_id
                        AND p.pupil_id = l.pupil_id AND p.english)
                AND EXISTS (SELECT 1 FROM passes p WHERE p.school_id = l.school_id
                            AND p.pupil_id = l.pupil_id AND p.maths))) AS qualifies
    FROM leavers l
    CROSS JOIN rules r
    LEFT JOIN terms t ON t.school_id = l.school_id AND t.pupil_id = l.pupil_id
),
counted (school_id, pupil_id, step, counted, qualifies) AS (
    SELECT school_id, pupil_id, step, qualifies, qualifies FROM qualifies WHERE step = 1
    UNION ALL
    SELECT q.school_id, q.pupil_id, q.step, q.qualifies AND NOT c.counted, q.qualifies
    FROM counted c
    JOIN qualifies q
      ON q.school_id = c.school_id AND q.pupil_id = c.pupil_id AND q.step = c.step + 1
),
final AS (
    SELECT c.*, l.left_on FROM counted c
    JOIN leavers l ON l.school_id = c.school_id AND l.pupil_id = c.pupil_id
    WHERE c.step = (SELECT max(step) FROM rules)
)"""


def measure_sql(query: MeasureQuery) -> str:
    """Rows (dimension, value, leavers, counted, qualifying) for everyone and each subgroup."""
    dimensions = [s.value for s in query.subgroups]
    columns = group_columns(dimensions, GROUP_VALUES)
    name, value, sets = grouping(dimensions)
    return (
        _CHAIN
        + f""",
characteristics AS ({characteristics_on("leavers", "s.left_on")}),
dims AS (
    SELECT f.counted, f.qualifies{columns}
    FROM final f
    JOIN pupils p ON p.school_id = f.school_id AND p.id = f.pupil_id
    LEFT JOIN characteristics ch ON ch.school_id = f.school_id AND ch.pupil_id = f.pupil_id
)
SELECT {name} AS dimension, {value} AS value, count(*) AS leavers,
       count(*) FILTER (WHERE counted) AS counted,
       count(*) FILTER (WHERE qualifies) AS qualifying
FROM dims
GROUP BY GROUPING SETS ({sets})
"""
    )
