"""Target progress in SQL: each current target of a year, projected to the year's end.

One row per target of status active / too_challenging / met in `:year`, for schools
that have module `:seq` that year. Mirrors domain.target_progress:

  current    the judgement at the module (its moderated step when adjusted)
  start      the latest baseline judgement of the year up to now, else the first
             judgement of the year (it may be the current one: only one so far)
  days       on roll from start to now, and from now to the end of the school's last
             module of the year (enrolment gaps are not counted)
  rate       observed (current - start) / days elapsed; with one judgement or no days
             between, the pupil's model (chosen as in facts.py): its rate rule for the
             start value and key stage, or its reference cell's median when the cell has
             at least min_peers learners
  status     domain.target_progress.track_status, written as a CASE

The pieces it shares with the progress facts (effective step, key stage) come from
facts.py, so a target's "current" is the same step the facts call "latest".
"""

import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics.progress import DAYS_PER_YEAR, RATIO_TOLERANCE
from domain.kernel.paging import Page, PageRequest
from domain.targets.target import CURRENT_STATUSES, TargetStatus
from domain.targets.target_progress import (
    RateSource,
    TargetProgress,
    TargetProgressQuery,
    TrackedStep,
    TrackStatus,
)
from persistence.analytics.facts import ACADEMIC_START, EFFECTIVE_STEP, KEY_STAGE, YEAR_ORDINAL

_CURRENT = ", ".join(f"'{s.value}'" for s in sorted(CURRENT_STATUSES))


def status_case(row: str) -> str:
    """domain.target_progress.track_status as SQL, over the columns of `row`."""
    tolerance = RATIO_TOLERANCE
    needed = f"({row}.target_value - {row}.start_value)"
    return f"""CASE
        WHEN {row}.current_value IS NULL OR {row}.start_value IS NULL THEN 'not_judged'
        WHEN {row}.current_value >= {row}.target_value THEN 'met'
        WHEN {row}.projected_value IS NULL THEN 'insufficient_data'
        WHEN {row}.projected_value >= {row}.target_value - {tolerance} THEN 'on_track'
        WHEN {needed} > 0
         AND {row}.projected_value - {row}.start_value
             < CAST(:far_behind AS double precision) * {needed} - {tolerance}
         AND {row}.elapsed_fraction >= CAST(:min_elapsed AS double precision) - {tolerance}
        THEN 'too_challenging_suggested'
        ELSE 'behind' END"""


def _days_on_roll(row: str, since: str, until: str) -> str:
    return f"""(SELECT coalesce(sum(greatest(0,
                    least(coalesce(e.left_on, {until}), {until})
                    - greatest(e.joined_on, {since}))), 0)
             FROM enrolments e
             WHERE e.school_id = {row}.school_id AND e.pupil_id = {row}.pupil_id)"""


def progress_ctes(query: TargetProgressQuery, after: bool) -> str:
    """`WITH ... tracked AS (...)`: select from `tracked` after it. `after` adds the
    keyset condition `target_id > :after` (safe before the status is known: pages are
    in target id order whatever the status filter)."""
    narrow = ""
    if query.strand_id is not None:
        narrow += " AND t.strand_id = :strand"
    if query.pupil_id is not None:
        narrow += " AND t.pupil_id = :pupil"
    if after:
        narrow += " AND t.id > :after"
    ordinal_now = YEAR_ORDINAL.format(col="p.year_group")
    ordinal_at_start = (
        f"({ordinal_now} - (:current_year_start - {ACADEMIC_START.format(d='sd.start_on')}))"
    )
    judged = "sd.judgement_id IS NOT NULL"
    return f"""
WITH point AS (
    SELECT m.school_id, m.id AS module_id
    FROM modules m
    WHERE m.school_id = ANY(:schools) AND m.academic_year = :year AND m.sequence = :seq
),
year_end AS (
    SELECT m.school_id, max(m.ends_on) AS ends_on
    FROM modules m
    WHERE m.school_id = ANY(:schools) AND m.academic_year = :year
    GROUP BY m.school_id
),
targeted AS (
    SELECT t.school_id, t.id AS target_id, t.pupil_id, t.strand_id, t.status AS target_status,
           t.step_id AS target_step_id, ts.value AS target_value,
           point.module_id, year_end.ends_on AS year_ends_on
    FROM targets t
    JOIN point ON point.school_id = t.school_id
    JOIN year_end ON year_end.school_id = t.school_id
    JOIN steps ts ON ts.id = t.step_id
    WHERE t.school_id = ANY(:schools) AND t.academic_year = :year
      AND t.status IN ({_CURRENT}){narrow}
),
judged AS (
    SELECT tg.*, j.id AS judgement_id, j.assessed_on AS current_on,
           {EFFECTIVE_STEP.format(t="j")} AS current_step_id
    FROM targeted tg
    LEFT JOIN judgements j
           ON j.school_id = tg.school_id AND j.module_id = tg.module_id
          AND j.pupil_id = tg.pupil_id AND j.strand_id = tg.strand_id
),
started AS (
    SELECT jd.*, s.start_judgement_id, s.start_on, s.start_step_id
    FROM judged jd
    LEFT JOIN LATERAL (
        SELECT b.id AS start_judgement_id, b.assessed_on AS start_on,
               {EFFECTIVE_STEP.format(t="b")} AS start_step_id
        FROM judgements b
        JOIN modules bm ON bm.school_id = b.school_id AND bm.id = b.module_id
        WHERE b.school_id = jd.school_id AND b.pupil_id = jd.pupil_id
          AND b.strand_id = jd.strand_id AND bm.academic_year = :year
          AND b.assessed_on <= jd.current_on
        ORDER BY b.kind = 'baseline' DESC,
                 CASE WHEN b.kind = 'baseline' THEN b.assessed_on END DESC NULLS LAST,
                 b.assessed_on, b.id = jd.judgement_id, b.id
        LIMIT 1
    ) s ON jd.judgement_id IS NOT NULL
),
active_models AS (
    SELECT * FROM progress_models WHERE active
),
timed AS (
    SELECT sd.*, st.framework_id, ss.value AS start_value, cs.value AS current_value,
           CASE WHEN {judged} THEN {_days_on_roll("sd", "sd.start_on", "sd.current_on")} END
               AS days_elapsed,
           CASE WHEN {judged} THEN {_days_on_roll("sd", "sd.current_on", "sd.year_ends_on")} END
               AS days_remaining,
           {KEY_STAGE.format(o=ordinal_at_start)} AS key_stage,
           date_part('year', age(sd.start_on, p.date_of_birth))::int AS age_at_start,
           coalesce(specific.id, general.id) AS model_id
    FROM started sd
    JOIN pupils p ON p.school_id = sd.school_id AND p.id = sd.pupil_id
    JOIN strands st ON st.id = sd.strand_id
    LEFT JOIN steps ss ON ss.id = sd.start_step_id
    LEFT JOIN steps cs ON cs.id = sd.current_step_id
    LEFT JOIN active_models specific
           ON specific.framework_id = st.framework_id AND specific.pathway = p.pathway
    LEFT JOIN active_models general
           ON general.framework_id = st.framework_id AND general.pathway IS NULL
),
modelled AS (
    SELECT tm.*, am.name || ' v' || am.version AS model_label,
           CASE am.kind
               WHEN 'rate' THEN coalesce(stage_rule.rate_per_year, any_rule.rate_per_year)
               WHEN 'percentile' THEN CASE WHEN cell.learners >= am.min_peers THEN cell.p50 END
           END AS model_rate_per_year
    FROM timed tm
    LEFT JOIN active_models am ON am.id = tm.model_id
    LEFT JOIN progress_rate_rules stage_rule
           ON stage_rule.model_id = am.id AND stage_rule.key_stage = tm.key_stage
          AND tm.start_value >= stage_rule.start_min AND tm.start_value < stage_rule.start_max
    LEFT JOIN progress_rate_rules any_rule
           ON any_rule.model_id = am.id AND any_rule.key_stage IS NULL
          AND tm.start_value >= any_rule.start_min AND tm.start_value < any_rule.start_max
    LEFT JOIN LATERAL (
        SELECT c.learners, c.p50 FROM progress_reference_cells c
        WHERE am.kind = 'percentile' AND c.model_id = am.id AND c.strand_id = tm.strand_id
          AND c.start_band = floor(tm.start_value / am.start_band_width)::int
          AND c.age_band = tm.age_at_start / am.age_band_years
          AND c.primary_need = CASE WHEN am.match_primary_need THEN coalesce((
                SELECT n.value FROM pupil_characteristics n
                WHERE n.school_id = tm.school_id AND n.pupil_id = tm.pupil_id
                  AND n.kind = 'sen_need' AND n.rank = 1 AND n.start_on <= tm.start_on
                  AND (n.end_on IS NULL OR n.end_on >= tm.start_on)
                LIMIT 1), '') ELSE '' END
    ) cell ON true
),
sourced AS (
    SELECT md.*,
           CASE WHEN md.current_value IS NULL OR md.start_value IS NULL THEN NULL
                WHEN md.start_judgement_id <> md.judgement_id AND md.days_elapsed > 0
                    THEN 'observed'
                WHEN md.model_rate_per_year IS NOT NULL THEN 'model'
           END AS rate_source,
           CASE WHEN md.days_elapsed + md.days_remaining > 0
                THEN md.days_elapsed::float8 / (md.days_elapsed + md.days_remaining)
           END AS elapsed_fraction
    FROM modelled md
),
projected AS (
    SELECT so.*,
           CASE so.rate_source
               WHEN 'observed'
                   THEN (so.current_value - so.start_value) * {DAYS_PER_YEAR} / so.days_elapsed
               WHEN 'model' THEN so.model_rate_per_year
           END AS rate_per_year,
           CASE so.rate_source
               WHEN 'observed' THEN so.current_value
                   + (so.current_value - so.start_value) * so.days_remaining / so.days_elapsed
               WHEN 'model' THEN so.current_value
                   + so.model_rate_per_year * so.days_remaining / {DAYS_PER_YEAR}
           END AS projected_value
    FROM sourced so
),
tracked AS (
    SELECT pj.*, {status_case("pj")} AS status
    FROM projected pj
)
"""


_COLUMNS = """
    target_id, school_id, pupil_id, strand_id, framework_id, target_status, target_step_id,
    target_value, start_step_id, start_value, start_on, current_step_id, current_value, current_on,
    days_elapsed, days_remaining, elapsed_fraction, rate_per_year, rate_source, projected_value,
    status, model_id, model_label, model_rate_per_year
"""


def params(query: TargetProgressQuery, school_ids: list[uuid.UUID]) -> dict[str, Any]:
    found: dict[str, Any] = {
        "schools": school_ids,
        "year": query.point.academic_year,
        "seq": query.point.sequence,
        "current_year_start": query.current_year_start,
        "far_behind": query.rules.far_behind_ratio,
        "min_elapsed": query.rules.min_elapsed_fraction,
    }
    if query.strand_id is not None:
        found["strand"] = query.strand_id
    if query.pupil_id is not None:
        found["pupil"] = query.pupil_id
    return found


def _step(step_id: uuid.UUID | None, value: float | None, on: Any) -> TrackedStep | None:
    if step_id is None or value is None or on is None:
        return None
    return TrackedStep(step_id, value, on)


def _progress(r: Any) -> TargetProgress:
    return TargetProgress(
        target_id=r.target_id,
        school_id=r.school_id,
        pupil_id=r.pupil_id,
        strand_id=r.strand_id,
        framework_id=r.framework_id,
        target_status=TargetStatus(r.target_status),
        target_step_id=r.target_step_id,
        target_value=r.target_value,
        start=_step(r.start_step_id, r.start_value, r.start_on),
        current=_step(r.current_step_id, r.current_value, r.current_on),
        days_elapsed=r.days_elapsed,
        days_remaining=r.days_remaining,
        elapsed_fraction=r.elapsed_fraction,
        rate_per_year=r.rate_per_year,
        rate_source=RateSource(r.rate_source) if r.rate_source else None,
        projected_value=r.projected_value,
        status=TrackStatus(r.status),
        model_id=r.model_id,
        model_label=r.model_label,
        model_rate_per_year=r.model_rate_per_year,
    )


async def progress_page(
    session: AsyncSession,
    query: TargetProgressQuery,
    school_ids: list[uuid.UUID],
    page: PageRequest,
) -> Page[TargetProgress]:
    values = params(query, school_ids) | {"limit": page.limit + 1}
    where = ""
    if query.status is not None:
        where = "WHERE status = :status"
        values["status"] = query.status.value
    if page.after is not None:
        values["after"] = page.after
    sql = (
        progress_ctes(query, after=page.after is not None)
        + f"SELECT {_COLUMNS} FROM tracked {where} ORDER BY target_id LIMIT :limit"
    )
    rows = [_progress(r) for r in (await session.execute(text(sql), values)).all()]
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        return Page(rows, rows[-1].target_id)
    return Page(rows, None)


async def progress_counts(
    session: AsyncSession, query: TargetProgressQuery, school_ids: list[uuid.UUID]
) -> dict[TrackStatus, int]:
    sql = (
        progress_ctes(query, after=False)
        + "SELECT status, count(*) AS targets FROM tracked GROUP BY status"
    )
    rows = (await session.execute(text(sql), params(query, school_ids))).all()
    return {TrackStatus(r.status): r.targets for r in rows}
