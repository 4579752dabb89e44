"""The groups pupils are broken down by, as at a day, for attendance and leaver measures.

The same groups as cohort analysis (persistence/analytics/cohort.py): the characteristics
active on the day (Pupil Premium, FSM, EAL, looked-after, SEN provision, primary need),
gender, pathway and school; "ehcp" is SEN provision E. Each breakdown is one grouping set
of a single GROUP BY, so every group is counted in the same scan as the whole cohort.
"""

from collections.abc import Mapping, Sequence


def characteristics_on(source: str, day: str) -> str:
    """A query: for each (school_id, pupil_id) of `source` (aliased s), their group flags on
    `day`, an SQL date expression that may use s's columns (e.g. s.left_on) or a parameter."""
    return f"""
    SELECT s.school_id, s.pupil_id,
           bool_or(c.kind = 'pupil_premium') AS pupil_premium,
           bool_or(c.kind = 'fsm') AS fsm,
           bool_or(c.kind = 'eal') AS eal,
           bool_or(c.kind = 'looked_after') AS looked_after,
           max(c.value) FILTER (WHERE c.kind = 'sen_provision') AS sen_provision,
           max(c.value) FILTER (WHERE c.kind = 'sen_need' AND c.rank = 1) AS primary_need
    FROM {source} s
    JOIN pupil_characteristics c ON c.school_id = s.school_id AND c.pupil_id = s.pupil_id
    WHERE c.start_on <= {day} AND (c.end_on IS NULL OR c.end_on >= {day})
    GROUP BY s.school_id, s.pupil_id
    """


#: group name -> SQL for a pupil's value, over `ch` (characteristics_on) and `p` (pupils)
GROUP_VALUES: dict[str, str] = {
    "pupil_premium": "CASE WHEN ch.pupil_premium THEN 'yes' ELSE 'no' END",
    "fsm": "CASE WHEN ch.fsm THEN 'yes' ELSE 'no' END",
    "eal": "CASE WHEN ch.eal THEN 'yes' ELSE 'no' END",
    "looked_after": "CASE WHEN ch.looked_after THEN 'yes' ELSE 'no' END",
    "ehcp": "CASE WHEN ch.sen_provision = 'E' THEN 'yes' ELSE 'no' END",
    "sen_provision": "coalesce(ch.sen_provision, 'N')",
    "primary_need": "coalesce(ch.primary_need, 'none')",
    "gender": "p.gender",
    "pathway": "coalesce(p.pathway, '')",
    "school": "p.school_id::text",
}


def group_columns(dimensions: Sequence[str], values: Mapping[str, str]) -> str:
    """`, <sql> AS <name>` for each dimension: columns to add to a select list."""
    unknown = set(dimensions) - set(values)
    if unknown:
        raise ValueError(f"unknown dimensions: {sorted(unknown)}")
    return "".join(f",\n           {values[name]} AS {name}" for name in dimensions)


def grouping(dimensions: Sequence[str]) -> tuple[str, str, str]:
    """SQL for the group's name ("" for everyone) and value, and the GROUPING SETS list, for
    a GROUP BY over columns named after the dimensions (never null: see GROUP_VALUES)."""
    name = (
        " || ".join(f"(CASE WHEN GROUPING({d}) = 0 THEN '{d}' ELSE '' END)" for d in dimensions)
        or "''"
    )
    value = f"coalesce({', '.join(dimensions)})" if dimensions else "NULL"
    sets = ", ".join(["()", *(f"({d})" for d in dimensions)])
    return name, value, sets
