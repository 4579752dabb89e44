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
- `point` is inlined (NOT MATERIALIZED), so the planner estimates the judgements at the
  point through the judgements -> modules foreign key instead of guessing;
- the per-row work (finding the baseline, days on roll) happens once, in the fenced
  `judged` subquery (OFFSET 0 keeps the planner from re-computing its expressions per
  reference or moving the small lookups inside the per-row loop); the baseline is one
  index probe (ix_judgements_baselines, partial and covering), the fallback only runs
  for the rare pupil-strand with no baseline;
- enrolments are aggregated per pupil once (`stays`): a single stay, the common case, is
  arithmetic; only pupils with several stays unnest theirs;
- the rate rule is found through a precomputed (model, step, key stage) -> rate table
  (`rates`), an equality join instead of a range join per row.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from domain.progress import DAYS_PER_YEAR, RATIO_TOLERANCE


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


def _stays_sum(stays: str, expression: str, within: str) -> str:
    """`expression` over a pupil's enrolments: inline for one stay, unnested for several.

    `expression` names the stay's dates as `{joined}` and `{left}`; `within` filters them
    (e.g. `{joined} <= j.assessed_on`), for several stays only; the caller handles one."""
    several = expression.format(joined="u.joined_on", left="u.left_on")
    return (
        f"(SELECT {several} FROM unnest({stays}.joins, {stays}.lefts) AS u(joined_on, left_on)"
        f" WHERE {within.format(joined='u.joined_on', left='u.left_on')})"
    )


def facts_ctes(query: FactsQuery) -> str:
    """`WITH ... facts AS (...)`: select from `facts` after it."""
    narrow = ""
    narrow_stays = ""
    if query.strand_id is not None:
        narrow += " AND j.strand_id = :strand"
    if query.pupil_id is not None:
        narrow += " AND j.pupil_id = :pupil"
        narrow_stays = " AND e.pupil_id = :pupil"
    latest_step = EFFECTIVE_STEP.format(t="j")
    baseline_step = EFFECTIVE_STEP.format(t="b")
    first_step = EFFECTIVE_STEP.format(t="f")
    # the stay the latest judgement falls in started on the last joining day before it
    joined_on = (
        "CASE WHEN s.stays = 1 THEN CASE WHEN s.joined_on <= j.assessed_on THEN s.joined_on END"
        f" ELSE {_stays_sum('s', 'max({joined})', '{joined} <= j.assessed_on')} END"
    )
    overlap = (
        "greatest(0, least(coalesce({left}, j.assessed_on), j.assessed_on)"
        " - greatest({joined}, coalesce(b.baseline_on, f.assessed_on)))"
    )
    days_on_roll = (
        "CASE WHEN coalesce(b.baseline_on, f.assessed_on) IS NULL OR s.stays IS NULL THEN NULL"
        f" WHEN s.stays = 1 THEN {overlap.format(joined='s.joined_on', left='s.left_on')}"
        f" ELSE {_stays_sum('s', f'sum({overlap})', 'true')} END"
    )
    ordinal_now = YEAR_ORDINAL.format(col="p.year_group")
    ordinal_at_baseline = (
        f"({ordinal_now} - (:current_year_start - {ACADEMIC_START.format(d='jd.baseline_on')}))"
    )
    stages = ", ".join(f"('{stage}')" for stage in KEY_STAGES)
    return f"""
WITH point AS NOT MATERIALIZED (
    SELECT m.school_id, m.id AS module_id, m.starts_on, m.ends_on
    FROM modules m
    WHERE m.school_id = ANY(:schools) AND m.academic_year = :year AND m.sequence = :seq
),
stays AS (
    SELECT e.school_id, e.pupil_id, count(*) AS stays,
           min(e.joined_on) AS joined_on, max(e.left_on) AS left_on,
           array_agg(e.joined_on) AS joins, array_agg(e.left_on) AS lefts
    FROM enrolments e
    WHERE e.school_id = ANY(:schools){narrow_stays}
    GROUP BY e.school_id, e.pupil_id
),
judged AS (
    SELECT j.school_id, j.pupil_id, j.strand_id, j.id AS judgement_id, j.assessed_on,
           {latest_step} AS step_id, point.ends_on AS point_on,
           coalesce(b.baseline_on, f.assessed_on) AS baseline_on,
           coalesce(b.baseline_step_id, f.step_id) AS baseline_step_id,
           {days_on_roll} AS days_on_roll
    FROM point
    JOIN judgements j ON j.school_id = point.school_id AND j.module_id = point.module_id
    LEFT JOIN stays s ON s.school_id = j.school_id AND s.pupil_id = j.pupil_id
    LEFT JOIN LATERAL (
        SELECT b.assessed_on AS baseline_on, {baseline_step} AS baseline_step_id
        FROM judgements b
        WHERE b.kind = 'baseline' AND b.pupil_id = j.pupil_id AND b.strand_id = j.strand_id
          AND b.school_id = j.school_id AND b.assessed_on <= j.assessed_on AND b.id <> j.id
        ORDER BY b.assessed_on DESC, b.id DESC
        LIMIT 1
    ) b ON true
    LEFT JOIN LATERAL (
        SELECT f.assessed_on, {first_step} AS step_id
        FROM judgements f
        WHERE b.baseline_on IS NULL
          AND f.school_id = j.school_id AND f.pupil_id = j.pupil_id AND f.strand_id = j.strand_id
          AND f.assessed_on <= j.assessed_on AND f.assessed_on >= ({joined_on})
          AND f.id <> j.id
        ORDER BY f.assessed_on, f.id
        LIMIT 1
    ) f ON true
    WHERE j.school_id = ANY(:schools){narrow}
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
measured AS (
    SELECT jd.*, st.framework_id, p.pathway, p.year_group, p.date_of_birth,
           ls.value AS latest_value, bs.value AS baseline_value,
           ls.value - bs.value AS gain,
           {KEY_STAGE.format(o=ordinal_at_baseline)} AS key_stage,
           coalesce(specific.id, general.id) AS model_id
    FROM judged jd
    LEFT JOIN pupils p ON p.school_id = jd.school_id AND p.id = jd.pupil_id
    LEFT JOIN strands st ON st.id = jd.strand_id
    LEFT JOIN steps ls ON ls.id = jd.step_id
    LEFT JOIN steps bs ON bs.id = jd.baseline_step_id
    LEFT JOIN active_models specific
           ON specific.framework_id = st.framework_id AND specific.pathway = p.pathway
    LEFT JOIN active_models general
           ON general.framework_id = st.framework_id AND general.pathway IS NULL
),
expected AS (
    SELECT ms.*, am.kind AS model_kind, am.name || ' v' || am.version AS model_label,
           CASE am.kind
               WHEN 'rate' THEN rate.rate_per_year * ms.days_on_roll / {DAYS_PER_YEAR}
               WHEN 'percentile' THEN CASE WHEN cell.learners >= am.min_peers
                                           THEN cell.p50 * ms.days_on_roll / {DAYS_PER_YEAR} END
           END AS expected_gain,
           am.expected_ratio, am.above_ratio, am.accelerated_ratio,
           am.maintenance_counts_as_expected
    FROM measured ms
    LEFT JOIN active_models am ON am.id = ms.model_id
    LEFT JOIN rates rate
           ON rate.model_id = ms.model_id AND rate.step_id = ms.baseline_step_id
          AND rate.key_stage = ms.key_stage
    LEFT JOIN LATERAL (
        SELECT c.learners, c.p50 FROM progress_reference_cells c
        WHERE am.kind = 'percentile' AND c.model_id = am.id AND c.strand_id = ms.strand_id
          AND c.start_band = floor(ms.baseline_value / am.start_band_width)::int
          AND c.age_band = date_part('year', age(ms.baseline_on, ms.date_of_birth))::int
                           / am.age_band_years
          AND c.primary_need = CASE WHEN am.match_primary_need THEN coalesce((
                SELECT n.value FROM pupil_characteristics n
                WHERE n.school_id = ms.school_id AND n.pupil_id = ms.pupil_id
                  AND n.kind = 'sen_need' AND n.rank = 1 AND n.start_on <= ms.baseline_on
                  AND (n.end_on IS NULL OR n.end_on >= ms.baseline_on)
                LIMIT 1), '') ELSE '' END
    ) cell ON true
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
