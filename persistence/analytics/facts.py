"""Progress facts in SQL: one row per pupil and strand judged at an assessment point.

The same common table expressions serve a single pupil's progress and a trust-wide
cohort analysis, so both give the same numbers. They mirror domain.progress:

  latest    the judgement at module `sequence` of `academic_year` in the pupil's school
  baseline  the latest judgement of kind 'baseline' before it, else the first judgement
            since the pupil last joined (never the latest judgement itself); two on the
            same day are told apart by id (the later-recorded baseline, the earlier first
            judgement)
  days      days on roll between the two (enrolment gaps are not counted)
  model     the framework's active model for the pupil's pathway, else its general one
  expected  rate model: rate per year for the baseline value (key stage at baseline)
            x days / 365.25; percentile model: the reference cell's median gain per year
            x days / 365.25, when the cell has at least min_peers learners
  band      domain.progress.band_for, written as a CASE (a test proves they agree)

Steps count at their effective value: a moderated, adjusted judgement counts at the
moderated step. Everything is scoped to `:schools`; row-level security applies too.

How it stays fast (bench/README.md has the figures, on a 4M-judgement trust):
- `point` is inlined (NOT MATERIALIZED): the planner then estimates the judgements at the
  point through the judgements -> modules foreign key rather than guessing;
- per row, the baseline is one probe of a partial covering index of baseline judgements
  (ix_judgements_baselines, migration 0005); the first judgement since joining is only
  looked for where there is no baseline (a scalar subquery inside a CASE);
- `latest` and `judged` are fenced (OFFSET 0) so what they compute per row (the
  baseline, days on roll, key stage) is computed once, not once per later reference,
  and the small lookups are not pulled inside the per-row loop;
- enrolments and the year group are read once per pupil (`roll`): one stay, the common
  case, is arithmetic; only pupils with several stays unnest theirs;
- the model is one lookup per (strand, pathway) (`model_for`) and the rate one per
  (model, step, key stage) (`rates`): equality joins instead of range joins per row;
- the percentile reference cell is only looked up for facts under a percentile model.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from domain.analytics.progress import DAYS_PER_YEAR, RATIO_TOLERANCE


@dataclass(frozen=True, slots=True)
class FactsQuery:
    """Which facts to compute: the assessment point, the schools and optional narrowing."""

    school_ids: tuple[uuid.UUID, ...]
    academic_year: str
    sequence: int
    current_year_start: int  # the academic year "today" is in, to date pupils' year groups
    strand_id: uuid.UUID | None = None
    pupil_id: uuid.UUID | None = None

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "schools": list(self.school_ids),
            "year": self.academic_year,
            "seq": self.sequence,
            "current_year_start": self.current_year_start,
        }
        if self.strand_id is not None:
            params["strand"] = self.strand_id
        if self.pupil_id is not None:
            params["pupil"] = self.pupil_id
        return params


EFFECTIVE_STEP = (
    "CASE WHEN {t}.moderation_state = 'adjusted' THEN {t}.moderated_step_id ELSE {t}.step_id END"
)

YEAR_ORDINAL = "CASE {col} WHEN 'N1' THEN -2 WHEN 'N2' THEN -1 WHEN 'R' THEN 0 ELSE {col}::int END"

KEY_STAGE = (
    "CASE WHEN {o} <= 0 THEN 'EYFS' WHEN {o} <= 2 THEN 'KS1' WHEN {o} <= 6 THEN 'KS2'"
    " WHEN {o} <= 9 THEN 'KS3' WHEN {o} <= 11 THEN 'KS4' ELSE 'KS5' END"
)

ACADEMIC_START = "(extract(year FROM {d})::int - (extract(month FROM {d}) < 9)::int)"

KEY_STAGES = ("EYFS", "KS1", "KS2", "KS3", "KS4", "KS5")


def band_case(gain: str, expected: str, model: str) -> str:
    """domain.progress.band_for as SQL."""
    tolerance = RATIO_TOLERANCE
    return f"""CASE
        WHEN {gain} IS NULL OR {expected} IS NULL THEN 'insufficient_data'
        WHEN {expected} <= 0 THEN CASE
            WHEN {gain} < 0 THEN 'below_expected'
            WHEN {gain} = 0 THEN CASE WHEN {model}.maintenance_counts_as_expected
                                      THEN 'expected' ELSE 'below_expected' END
            ELSE 'above_expected' END
        WHEN {gain} / {expected} >= {model}.accelerated_ratio - {tolerance} THEN 'accelerated'
        WHEN {gain} / {expected} >= {model}.above_ratio - {tolerance} THEN 'above_expected'
        WHEN {gain} / {expected} >= {model}.expected_ratio - {tolerance} THEN 'expected'
        ELSE 'below_expected' END"""


def facts_ctes(query: FactsQuery) -> str:
    """`WITH ... facts AS (...)`: select from `facts` after it."""
    narrow = []
    narrow_stays = narrow_pupils = ""
    if query.strand_id is not None:
        narrow.append("j.strand_id = :strand")
    if query.pupil_id is not None:
        narrow.append("j.pupil_id = :pupil")
        narrow_stays = " AND e.pupil_id = :pupil"
        narrow_pupils = " AND p.id = :pupil"
    latest_step = EFFECTIVE_STEP.format(t="j")
    baseline_step = EFFECTIVE_STEP.format(t="b")
    first_step = EFFECTIVE_STEP.format(t="(jd.first_judgement)")
    # the stay the latest judgement falls in started on the last joining day before it
    joined_on = (
        "CASE WHEN r.stays = 1 THEN CASE WHEN r.joined_on <= j.assessed_on THEN r.joined_on END"
        " ELSE (SELECT max(u.joined_on) FROM unnest(r.joins) AS u(joined_on)"
        " WHERE u.joined_on <= j.assessed_on) END"
    )
    baseline_on = "coalesce(jd.baseline_on, (jd.first_judgement).assessed_on)"
    overlap = (
        "greatest(0, least(coalesce({left}, jd.assessed_on), jd.assessed_on)"
        f" - greatest({{joined}}, {baseline_on}))"
    )
    several_stays = overlap.format(joined="u.joined_on", left="u.left_on")
    days_on_roll = (
        f"CASE WHEN {baseline_on} IS NULL OR jd.stays IS NULL THEN NULL"
        f" WHEN jd.stays = 1 THEN {overlap.format(joined='jd.joined_on', left='jd.left_on')}"
        f" ELSE (SELECT sum({several_stays})"
        " FROM unnest(jd.joins, jd.lefts) AS u(joined_on, left_on)) END"
    )
    # YEAR_ORDINAL then, from ACADEMIC_START of the baseline with one date_part (a float,
    # cheaper than extract's numeric): 1 September + 122 days is 1 January, so the academic
    # year starts in date_part('year', day + 122) - 1; `ordinal_then_base` is the year
    # group now - the current academic year - 1, per pupil
    ordinal_at_baseline = f"jd.ordinal_then_base + date_part('year', {baseline_on} + 122)::int"
    where = f"WHERE {' AND '.join(narrow)}" if narrow else ""
    stages = ", ".join(f"('{stage}')" for stage in KEY_STAGES)
    return f"""
WITH point AS NOT MATERIALIZED (
    SELECT m.school_id, m.id AS module_id, m.starts_on, m.ends_on
    FROM modules m
    WHERE m.school_id = ANY(:schools) AND m.academic_year = :year AND m.sequence = :seq
),
roll AS (
    SELECT p.school_id, p.id AS pupil_id, p.pathway, coalesce(p.pathway, '') AS pathway_key,
           p.year_group, p.date_of_birth,
           {YEAR_ORDINAL.format(col="p.year_group")} - :current_year_start - 1
               AS ordinal_then_base,
           s.stays, s.joined_on, s.left_on, s.joins, s.lefts
    FROM pupils p
    LEFT JOIN (
        SELECT e.school_id, e.pupil_id, count(*) AS stays,
               min(e.joined_on) AS joined_on, max(e.left_on) AS left_on,
               array_agg(e.joined_on) AS joins, array_agg(e.left_on) AS lefts
        FROM enrolments e
        WHERE e.school_id = ANY(:schools){narrow_stays}
        GROUP BY e.school_id, e.pupil_id
    ) s ON s.school_id = p.school_id AND s.pupil_id = p.id
    WHERE p.school_id = ANY(:schools){narrow_pupils}
),
latest AS (
    SELECT j.school_id, j.pupil_id, j.strand_id, j.id AS judgement_id, j.assessed_on,
           {latest_step} AS step_id, point.ends_on AS point_on,
           r.pathway, r.pathway_key, r.year_group, r.date_of_birth, r.ordinal_then_base,
           r.stays, r.joined_on, r.left_on, r.joins, r.lefts,
           b.baseline_on, b.baseline_step_id,
           CASE WHEN b.baseline_on IS NULL THEN (
               SELECT f FROM judgements f
               WHERE f.school_id = j.school_id AND f.pupil_id = j.pupil_id
                 AND f.strand_id = j.strand_id AND f.assessed_on <= j.assessed_on
                 AND f.assessed_on >= ({joined_on}) AND f.id <> j.id
               ORDER BY f.assessed_on, f.id
               LIMIT 1) END AS first_judgement
    FROM point
    JOIN judgements j ON j.school_id = point.school_id AND j.module_id = point.module_id
    LEFT JOIN roll r ON r.school_id = j.school_id AND r.pupil_id = j.pupil_id
    LEFT JOIN LATERAL (
        SELECT b.assessed_on AS baseline_on, {baseline_step} AS baseline_step_id
        FROM judgements b
        WHERE b.kind = 'baseline' AND b.pupil_id = j.pupil_id AND b.strand_id = j.strand_id
          AND b.school_id = j.school_id AND b.assessed_on <= j.assessed_on AND b.id <> j.id
        ORDER BY b.assessed_on DESC, b.id DESC
        LIMIT 1
    ) b ON true
    {where}
    OFFSET 0
),
judged AS (
    SELECT jd.school_id, jd.pupil_id, jd.strand_id, jd.judgement_id, jd.assessed_on,
           jd.step_id, jd.point_on, jd.pathway, jd.pathway_key, jd.year_group,
           jd.date_of_birth,
           {baseline_on} AS baseline_on,
           coalesce(jd.baseline_step_id, {first_step}) AS baseline_step_id,
           {days_on_roll} AS days_on_roll,
           {ordinal_at_baseline} AS ordinal_at_baseline
    FROM latest jd
    OFFSET 0
),
active_models AS (
    SELECT * FROM progress_models WHERE active
),
rates AS (
    SELECT am.id AS model_id, st.id AS step_id, ks.key_stage,
           coalesce(
               (SELECT r.rate_per_year FROM progress_rate_rules r
                WHERE r.model_id = am.id AND r.key_stage = ks.key_stage
                  AND st.value >= r.start_min AND st.value < r.start_max
                LIMIT 1),
               (SELECT r.rate_per_year FROM progress_rate_rules r
                WHERE r.model_id = am.id AND r.key_stage IS NULL
                  AND st.value >= r.start_min AND st.value < r.start_max
                LIMIT 1)) AS rate_per_year
    FROM active_models am
    JOIN steps st ON st.framework_id = am.framework_id
    CROSS JOIN (VALUES {stages}) AS ks(key_stage)
    WHERE am.kind = 'rate'
),
model_for AS (
    SELECT st.id AS strand_id, pw.pathway_key, st.framework_id, am.id AS model_id,
           am.kind AS model_kind, am.name || ' v' || am.version AS model_label, am.min_peers,
           am.start_band_width, am.age_band_years, am.match_primary_need, am.expected_ratio,
           am.above_ratio, am.accelerated_ratio, am.maintenance_counts_as_expected
    FROM strands st
    CROSS JOIN (
        SELECT DISTINCT coalesce(p.pathway, '') AS pathway_key
        FROM pupils p
        WHERE p.school_id = ANY(:schools){narrow_pupils}
    ) pw
    LEFT JOIN active_models specific
           ON specific.framework_id = st.framework_id AND specific.pathway = pw.pathway_key
    LEFT JOIN active_models general
           ON general.framework_id = st.framework_id AND general.pathway IS NULL
    LEFT JOIN active_models am ON am.id = coalesce(specific.id, general.id)
),
measured AS (
    SELECT jd.*, mf.framework_id,
           ls.value AS latest_value, bs.value AS baseline_value,
           ls.value - bs.value AS gain,
           {KEY_STAGE.format(o="jd.ordinal_at_baseline")} AS key_stage,
           mf.model_id, mf.model_kind, mf.model_label, mf.min_peers, mf.start_band_width,
           mf.age_band_years, mf.match_primary_need, mf.expected_ratio, mf.above_ratio,
           mf.accelerated_ratio, mf.maintenance_counts_as_expected
    FROM judged jd
    LEFT JOIN model_for mf ON mf.strand_id = jd.strand_id AND mf.pathway_key = jd.pathway_key
    LEFT JOIN steps ls ON ls.id = jd.step_id
    LEFT JOIN steps bs ON bs.id = jd.baseline_step_id
),
expected AS (
    SELECT ms.*,
           CASE ms.model_kind
               WHEN 'rate' THEN rate.rate_per_year * ms.days_on_roll / {DAYS_PER_YEAR}
               WHEN 'percentile' THEN (
                   SELECT CASE WHEN c.learners >= ms.min_peers
                               THEN c.p50 * ms.days_on_roll / {DAYS_PER_YEAR} END
                   FROM progress_reference_cells c
                   WHERE c.model_id = ms.model_id AND c.strand_id = ms.strand_id
                     AND c.start_band = floor(ms.baseline_value / ms.start_band_width)::int
                     AND c.age_band = date_part('year', age(ms.baseline_on, ms.date_of_birth))::int
                                      / ms.age_band_years
                     AND c.primary_need = CASE WHEN ms.match_primary_need THEN coalesce((
                           SELECT n.value FROM pupil_characteristics n
                           WHERE n.school_id = ms.school_id AND n.pupil_id = ms.pupil_id
                             AND n.kind = 'sen_need' AND n.rank = 1
                             AND n.start_on <= ms.baseline_on
                             AND (n.end_on IS NULL OR n.end_on >= ms.baseline_on)
                           LIMIT 1), '') ELSE '' END)
           END AS expected_gain
    FROM measured ms
    LEFT JOIN rates rate
           ON rate.model_id = ms.model_id AND rate.step_id = ms.baseline_step_id
          AND rate.key_stage = ms.key_stage
    OFFSET 0
),
facts AS (
    SELECT ex.*, {band_case("ex.gain", "ex.expected_gain", "ex")} AS band
    FROM expected ex
)
"""


FACT_COLUMNS = """
    pupil_id, school_id, strand_id, framework_id, step_id, latest_value, assessed_on,
    baseline_step_id, baseline_value, baseline_on, gain, days_on_roll, expected_gain, band,
    model_id, model_label
"""
