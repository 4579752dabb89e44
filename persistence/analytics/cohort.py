"""Cohort counts by band, for the whole cohort and each group, in one statement.

Groups are the pupil's characteristics as at the end of the assessment module in
their school (Pupil Premium, FSM, EAL, looked-after, SEN provision, primary need),
plus gender, year group then, pathway, school and strand. Counting is cumulative:
expected-or-better includes above and accelerated, as the schools report it.

Every group but strand is a property of the pupil, so the facts are first counted per
pupil (and per strand), in one pass over them; the groups of pupils are then summed from
those few thousand rows instead of grouping every pupil-strand eleven times.
"""

from persistence.analytics.facts import ACADEMIC_START, YEAR_ORDINAL, FactsQuery, facts_ctes

#: group name -> SQL for its value in `dims` (one row per pupil; strand is counted apart)
DIMENSIONS: dict[str, str] = {
    "pupil_premium": "CASE WHEN ch.pupil_premium THEN 'yes' ELSE 'no' END",
    "fsm": "CASE WHEN ch.fsm THEN 'yes' ELSE 'no' END",
    "eal": "CASE WHEN ch.eal THEN 'yes' ELSE 'no' END",
    "looked_after": "CASE WHEN ch.looked_after THEN 'yes' ELSE 'no' END",
    "sen_provision": "coalesce(ch.sen_provision, 'N')",
    "primary_need": "coalesce(ch.primary_need, 'none')",
    "gender": "pp.gender::text",
    "year_group": "pp.year_group_then",
    "pathway": "coalesce(pp.pathway, '')",
    "school": "pp.school_id::text",
    "strand": "per_strand.strand_id::text",
}

_COUNTS = """count(*) AS judged,
           count(*) FILTER (WHERE band <> 'insufficient_data') AS measured,
           count(*) FILTER (WHERE band IN ('expected', 'above_expected', 'accelerated'))
               AS expected_or_better,
           count(*) FILTER (WHERE band IN ('above_expected', 'accelerated')) AS above_or_better,
           count(*) FILTER (WHERE band = 'accelerated') AS accelerated"""

_SUMS = ",\n       ".join(
    f"coalesce(sum({n}), 0)::bigint AS {n}"
    for n in ("judged", "measured", "expected_or_better", "above_or_better", "accelerated")
)


def cohort_sql(query: FactsQuery, dimensions: tuple[str, ...]) -> str:
    unknown = set(dimensions) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimensions: {sorted(unknown)}")
    pupil_dims = [name for name in DIMENSIONS if name in dimensions and name != "strand"]
    ordinal_now = YEAR_ORDINAL.format(col="per_pupil.year_group")
    ordinal_then = (
        f"({ordinal_now} - (:current_year_start - {ACADEMIC_START.format(d='per_pupil.point_on')}))"
    )
    columns = "".join(f",\n           {DIMENSIONS[name]} AS {name}" for name in pupil_dims)
    sets = ", ".join(["()", *(f"({name})" for name in pupil_dims)])
    grouping = (
        " || ".join(
            f"(CASE WHEN GROUPING({name}) = 0 THEN '{name}' ELSE '' END)" for name in pupil_dims
        )
        or "''"
    )
    value = f"coalesce({', '.join(pupil_dims)})" if pupil_dims else "NULL"
    counted_by = "GROUP BY school_id, pupil_id"
    strand_column = "NULL::uuid AS strand_id"
    by_strand = ""
    if "strand" in dimensions:
        strand_column = "strand_id"
        counted_by = "GROUP BY GROUPING SETS ((school_id, pupil_id), (strand_id))"
        by_strand = f"""
UNION ALL
SELECT 'strand', {DIMENSIONS["strand"]}, judged, measured, expected_or_better,
       above_or_better, accelerated
FROM counted per_strand
WHERE per_strand.strand_id IS NOT NULL"""
    return (
        facts_ctes(query)
        + f""",
counted AS (
    SELECT school_id, pupil_id, {strand_column}, min(point_on) AS point_on,
           min(year_group) AS year_group, min(pathway) AS pathway,
           {_COUNTS}
    FROM facts
    {counted_by}
),
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
dims AS (
    SELECT pp.judged, pp.measured, pp.expected_or_better, pp.above_or_better,
           pp.accelerated{columns}
    FROM (
        SELECT per_pupil.*, p.gender,
               CASE {ordinal_then} WHEN -2 THEN 'N1' WHEN -1 THEN 'N2' WHEN 0 THEN 'R'
                    ELSE ({ordinal_then})::text END AS year_group_then
        FROM counted per_pupil
        LEFT JOIN pupils p ON p.school_id = per_pupil.school_id AND p.id = per_pupil.pupil_id
        WHERE per_pupil.pupil_id IS NOT NULL
    ) pp
    LEFT JOIN characteristics ch ON ch.school_id = pp.school_id AND ch.pupil_id = pp.pupil_id
)
SELECT {grouping} AS dimension,
       {value} AS value,
       {_SUMS}
FROM dims
GROUP BY GROUPING SETS ({sets}){by_strand}
"""
    )
