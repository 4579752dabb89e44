"""Suggested targets in SQL: for each pupil on roll when a year starts, and each strand
with a percentile model, the step similar learners' gain would take them to.

Mirrors domain.target_suggestion:

  opens_on   the start of the school's first module of the year, else 1 September:
             the day a pupil must be on roll (and whose age and need place them in a cell)
  model      the framework's active percentile model for the pupil's pathway, else its
             general one; frameworks are those the school may use (its own, its trust's)
  start      the latest judgement on the strand before 1 September (moderated step counts)
  cell       as reference.py groups learners: strand, floor(start / width),
             age // years, and the primary need when the model matches on it
  suggested  the highest step of the scale at or below start + the percentile gain x 1 year
             (domain.target_suggestion.round_down_to_step, with the same slack)

Pupils are paged in id order by a first query; a second computes their rows.
"""

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics.progress import RATIO_TOLERANCE
from domain.kernel.calendar import AcademicYear
from domain.kernel.paging import Page, PageRequest
from domain.targets.target import CURRENT_STATUSES, TargetStatus
from domain.targets.target_suggestion import (
    NoSuggestion,
    PupilSuggestions,
    ReferenceUsed,
    SuggestionQuery,
    TargetSuggestion,
)
from persistence.analytics.facts import EFFECTIVE_STEP

_CURRENT = ", ".join(f"'{s.value}'" for s in sorted(CURRENT_STATUSES))


def _roll_ctes(query: SuggestionQuery, after: bool) -> str:
    narrow = ""
    if query.pupil_ids:
        narrow += " AND p.id = ANY(:pupils)"
    if after:
        narrow += " AND p.id > :after"
    return f"""
WITH opening AS (
    SELECT s.id AS school_id, s.trust_id,
           coalesce((SELECT min(m.starts_on) FROM modules m
                     WHERE m.school_id = s.id AND m.academic_year = :year),
                    CAST(:year_starts AS date)) AS opens_on
    FROM schools s
    WHERE s.id = ANY(:schools)
),
roll AS (
    SELECT p.school_id, p.id AS pupil_id, p.pathway, p.date_of_birth, o.opens_on, o.trust_id
    FROM pupils p
    JOIN opening o ON o.school_id = p.school_id
    WHERE p.school_id = ANY(:schools) AND p.deleted_at IS NULL{narrow}
      AND EXISTS (
          SELECT 1 FROM enrolments e
          WHERE e.school_id = p.school_id AND e.pupil_id = p.id
            AND e.joined_on <= o.opens_on AND (e.left_on IS NULL OR e.left_on >= o.opens_on))
)"""


def roll_sql(query: SuggestionQuery, after: bool, limited: bool) -> str:
    limit = " LIMIT :limit" if limited else ""
    select = f"\nSELECT school_id, pupil_id FROM roll ORDER BY pupil_id{limit}"
    return _roll_ctes(query, after) + select


def suggestions_sql(query: SuggestionQuery) -> str:
    """Rows for the pupils in `:page_pupils` (the roll CTE is narrowed to them)."""
    strand = " AND st.id = :strand" if query.strand_id is not None else ""
    tolerance = RATIO_TOLERANCE
    return (
        _roll_ctes(query, after=False)
        + f""",
paged AS (
    SELECT * FROM roll WHERE pupil_id = ANY(:page_pupils)
),
percentile_models AS (
    SELECT * FROM progress_models WHERE active AND kind = 'percentile'
),
strands_of AS (
    SELECT pg.*, st.id AS strand_id, st.framework_id, st.position,
           coalesce(specific.id, general.id) AS model_id
    FROM paged pg
    JOIN frameworks f ON f.school_id = pg.school_id OR f.trust_id = pg.trust_id
    JOIN strands st ON st.framework_id = f.id{strand}
    LEFT JOIN percentile_models specific
           ON specific.framework_id = f.id AND specific.pathway = pg.pathway
    LEFT JOIN percentile_models general
           ON general.framework_id = f.id AND general.pathway IS NULL
    WHERE coalesce(specific.id, general.id) IS NOT NULL
),
started AS (
    SELECT so.*, s.start_step_id, s.start_on, m.name || ' v' || m.version AS model_label,
           m.min_peers, m.start_band_width, m.age_band_years, m.match_primary_need
    FROM strands_of so
    JOIN progress_models m ON m.id = so.model_id
    LEFT JOIN LATERAL (
        SELECT {EFFECTIVE_STEP.format(t="j")} AS start_step_id, j.assessed_on AS start_on
        FROM judgements j
        WHERE j.school_id = so.school_id AND j.pupil_id = so.pupil_id
          AND j.strand_id = so.strand_id AND j.assessed_on < CAST(:year_starts AS date)
        ORDER BY j.assessed_on DESC, j.id DESC
        LIMIT 1
    ) s ON true
),
placed AS (
    SELECT sd.*, ss.value AS start_value,
           floor(ss.value / sd.start_band_width)::int AS start_band,
           date_part('year', age(sd.opens_on, sd.date_of_birth))::int / sd.age_band_years
               AS age_band,
           CASE WHEN sd.match_primary_need THEN coalesce((
               SELECT n.value FROM pupil_characteristics n
               WHERE n.school_id = sd.school_id AND n.pupil_id = sd.pupil_id
                 AND n.kind = 'sen_need' AND n.rank = 1 AND n.start_on <= sd.opens_on
                 AND (n.end_on IS NULL OR n.end_on >= sd.opens_on)
               LIMIT 1), '') ELSE '' END AS primary_need
    FROM started sd
    LEFT JOIN steps ss ON ss.id = sd.start_step_id
),
celled AS (
    SELECT pl.*, cell.learners,
           CASE CAST(:percentile AS int) WHEN 75 THEN cell.p75 ELSE cell.p50 END AS gain_per_year
    FROM placed pl
    LEFT JOIN progress_reference_cells cell
           ON cell.model_id = pl.model_id AND cell.strand_id = pl.strand_id
          AND cell.start_band = pl.start_band AND cell.age_band = pl.age_band
          AND cell.primary_need = pl.primary_need
),
suggested AS (
    SELECT ce.*, step.id AS suggested_step_id, step.value AS suggested_value,
           ct.id AS current_target_id, ct.status AS current_target_status
    FROM celled ce
    LEFT JOIN LATERAL (
        SELECT sp.id, sp.value FROM steps sp
        WHERE sp.framework_id = ce.framework_id
          AND sp.value <= ce.start_value + ce.gain_per_year + {tolerance}
        ORDER BY sp.value DESC
        LIMIT 1
    ) step ON ce.learners >= ce.min_peers
    LEFT JOIN targets ct
           ON ct.school_id = ce.school_id AND ct.pupil_id = ce.pupil_id
          AND ct.strand_id = ce.strand_id AND ct.academic_year = :year
          AND ct.status IN ({_CURRENT})
)
SELECT pupil_id, school_id, strand_id, framework_id, start_step_id, start_value, start_on,
       model_id, model_label, min_peers, start_band, age_band, primary_need, learners,
       gain_per_year, suggested_step_id, suggested_value, current_target_id,
       current_target_status,
       CASE WHEN start_value IS NULL THEN 'no_start'
            WHEN learners IS NULL THEN 'no_reference_cell'
            WHEN learners < min_peers THEN 'too_few_peers'
            WHEN suggested_step_id IS NULL THEN 'below_scale'
       END AS no_suggestion
FROM suggested
ORDER BY pupil_id, framework_id, position
"""
    )


def params(query: SuggestionQuery, school_ids: list[uuid.UUID]) -> dict[str, Any]:
    year = AcademicYear.parse(query.academic_year)
    found: dict[str, Any] = {
        "schools": school_ids,
        "year": year.label,
        "year_starts": year.starts_on,
        "percentile": query.percentile,
    }
    if query.pupil_ids:
        found["pupils"] = list(query.pupil_ids)
    if query.strand_id is not None:
        found["strand"] = query.strand_id
    return found


def _suggestion(r: Any, percentile: int) -> TargetSuggestion:
    reference = None
    if r.start_value is not None:
        reference = ReferenceUsed(
            start_band=r.start_band,
            age_band=r.age_band,
            primary_need=r.primary_need,
            learners=r.learners or 0,
            gain_per_year=r.gain_per_year,
        )
    return TargetSuggestion(
        pupil_id=r.pupil_id,
        school_id=r.school_id,
        strand_id=r.strand_id,
        framework_id=r.framework_id,
        percentile=percentile,
        start_step_id=r.start_step_id,
        start_value=r.start_value,
        start_on=r.start_on,
        model_id=r.model_id,
        model_label=r.model_label,
        min_peers=r.min_peers,
        reference=reference,
        suggested_step_id=r.suggested_step_id,
        suggested_value=r.suggested_value,
        no_suggestion=NoSuggestion(r.no_suggestion) if r.no_suggestion else None,
        current_target_id=r.current_target_id,
        current_target_status=(
            TargetStatus(r.current_target_status) if r.current_target_status else None
        ),
    )


async def suggestions_page(
    session: AsyncSession,
    query: SuggestionQuery,
    school_ids: list[uuid.UUID],
    page: PageRequest | None,
) -> Page[PupilSuggestions]:
    values = params(query, school_ids)
    if page is not None:
        values["limit"] = page.limit + 1
        if page.after is not None:
            values["after"] = page.after
    after = page is not None and page.after is not None
    roll = (await session.execute(text(roll_sql(query, after, page is not None)), values)).all()
    next_after = None
    if page is not None and len(roll) > page.limit:
        roll = roll[: page.limit]
        next_after = roll[-1].pupil_id
    rows: dict[uuid.UUID, list[TargetSuggestion]] = defaultdict(list)
    if roll:
        values = params(query, school_ids) | {"page_pupils": [r.pupil_id for r in roll]}
        for r in (await session.execute(text(suggestions_sql(query)), values)).all():
            rows[r.pupil_id].append(_suggestion(r, query.percentile))
    pupils = [PupilSuggestions(r.pupil_id, r.school_id, rows[r.pupil_id]) for r in roll]
    return Page(pupils, next_after)
