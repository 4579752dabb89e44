"""Cohort counts by band, for the whole cohort and each group, in one scan of the facts.

Groups are the pupil's characteristics as at the end of the assessment module in
their school (Pupil Premium, FSM, EAL, looked-after, SEN provision, primary need),
plus gender, year group then, pathway, school and strand. Counting is cumulative:
expected-or-better includes above and accelerated, as the schools report it.
"""

from persistence.analytics.facts import ACADEMIC_START, YEAR_ORDINAL, FactsQuery, facts_ctes

#: group name -> SQL for its value in `dims`
DIMENSIONS: dict[str, str] = {
    "pupil_premium": "CASE WHEN ch.pupil_premium THEN 'yes' ELSE 'no' END",
    "fsm": "CASE WHEN ch.fsm THEN 'yes' ELSE 'no' END",
    "eal": "CASE WHEN ch.eal THEN 'yes' ELSE 'no' END",
    "looked_after": "CASE WHEN ch.looked_after THEN 'yes' ELSE 'no' END",
    "sen_provision": "coalesce(ch.sen_provision, 'N')",
    "primary_need": "coalesce(ch.primary_need, 'none')",
    "gender": "f_pupil.gender",
    "year_group": "f.year_group_then",
    "pathway": "coalesce(f.pathway, '')",
    "school": "f.school_id::text",
    "strand": "f.strand_id::text",
}


def cohort_sql(query: FactsQuery, dimensions: tuple[str, ...]) -> str:
    unknown = set(dimensions) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimensions: {sorted(unknown)}")
    ordinal_now = YEAR_ORDINAL.format(col="facts.year_group")
    ordinal_then = (
        f"({ordinal_now} - (:current_year_start - {ACADEMIC_START.format(d='facts.point_on')}))"
    )
    columns = ",\n           ".join(
        f"{sql} AS {name}" for name, sql in DIMENSIONS.items() if name in dimensions
    )
    sets = ", ".join(["()", *(f"({name})" for name in dimensions)])
    grouping = (
        " + ".join(
            f"(CASE WHEN GROUPING({name}) = 0 THEN '{name}' ELSE '' END)" for name in dimensions
        )
        or "''"
    )
    values = " , ".join(dimensions)
    value = f"coalesce({values})" if dimensions else "NULL"
    selected = f",\n           {columns}" if columns else ""
    return (
        facts_ctes(query)
        + f""",
characteristics AS (
    SELECT c.school_id, c.pupil_id,
           bool_or(c.kind = 'pupil_premium') AS pupil_premium,
           bool_or(c.kind = 'fsm') AS fsm,
           bool_or(c.kind = 'eal') AS eal,
           bool_or(c.kind = 'looked_after') AS looked_after,
           max(c.value) FILTER (WHERE c.kind = 'sen_provision') AS sen_provision,
           max(c.value) FILTER (WHERE c.kind = 'sen_need' AND c.rank = 1) AS primary_need
    FROM pupil_characteristics c
    JOIN point ON point.school_id = c.school_id
    WHERE c.school_id = ANY(:schools) AND c.start_on <= point.ends_on
      AND (c.end_on IS NULL OR c.end_on >= point.ends_on)
    GROUP BY c.school_id, c.pupil_id
),
f AS (
    SELECT facts.*,
           CASE {ordinal_then} WHEN -2 THEN 'N1' WHEN -1 THEN 'N2' WHEN 0 THEN 'R'
                ELSE ({ordinal_then})::text END AS year_group_then
    FROM facts
),
dims AS (
    SELECT f.band{selected}
    FROM f
    JOIN pupils f_pupil ON f_pupil.school_id = f.school_id AND f_pupil.id = f.pupil_id
    LEFT JOIN characteristics ch ON ch.school_id = f.school_id AND ch.pupil_id = f.pupil_id
)
SELECT {grouping.replace(" + ", " || ")} AS dimension,
       {value} AS value,
       count(*) AS judged,
       count(*) FILTER (WHERE band <> 'insufficient_data') AS measured,
       count(*) FILTER (WHERE band IN ('expected', 'above_expected', 'accelerated'))
           AS expected_or_better,
       count(*) FILTER (WHERE band IN ('above_expected', 'accelerated')) AS above_or_better,
       count(*) FILTER (WHERE band = 'accelerated') AS accelerated
FROM dims
GROUP BY GROUPING SETS ({sets})
"""
    )
