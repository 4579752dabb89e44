"""Progress facts in SQL: one row per pupil and strand judged at an assessment point.

The same common table expressions serve a single pupil's progress and a trust-wide
cohort analysis, so both give the same numbers. They mirror domain.progress:

  latest    the judgement at module `sequence` of `academic_year` in the pupil's school
  baseline  the latest judgement of kind 'baseline' before it, else the first judgement
            since the pupil last joined (never the latest judgement itself)
  days      days on roll between the two (enrolment gaps are not counted)
  model     the framework's active model for the pupil's pathway, else its general one
  expected  rate model: rate per year for the baseline value (key stage at baseline)
            x days / 365.25; percentile model: the reference cell's median gain per year
            x days / 365.25, when the cell has at least min_peers learners
  band      domain.progress.band_for, written as a CASE (a test proves they agree)

Steps count at their effective value: a moderated, adjusted judgement counts at the
moderated step. Everything is scoped to `:schools`; row-level security applies too.
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
    narrow = ""
    if query.strand_id is not None:
        narrow += " AND j.strand_id = :strand"
    if query.pupil_id is not None:
        narrow += " AND j.pupil_id = :pupil"
    latest_step = EFFECTIVE_STEP.format(t="j")
    baseline_step = EFFECTIVE_STEP.format(t="b")
    ordinal_now = YEAR_ORDINAL.format(col="p.year_group")
    ordinal_at_baseline = (
        f"({ordinal_now} - (:current_year_start - {ACADEMIC_START.format(d='bl.baseline_on')}))"
    )
    return f"""
WITH point AS (
    SELECT m.school_id, m.id AS module_id, m.starts_on, m.ends_on
    FROM modules m
    WHERE m.school_id = ANY(:schools) AND m.academic_year = :year AND m.sequence = :seq
),
latest AS (
    SELECT j.school_id, j.pupil_id, j.strand_id, j.id AS judgement_id, j.assessed_on,
           {latest_step} AS step_id, point.ends_on AS point_on
    FROM judgements j
    JOIN point ON point.school_id = j.school_id AND point.module_id = j.module_id
    WHERE j.school_id = ANY(:schools){narrow}
),
joined AS (
    SELECT l.*, (
        SELECT max(e.joined_on) FROM enrolments e
        WHERE e.school_id = l.school_id AND e.pupil_id = l.pupil_id AND e.joined_on <= l.assessed_on
    ) AS joined_on
    FROM latest l
),
with_baseline AS (
    SELECT jn.*, b.baseline_on, b.baseline_step_id
    FROM joined jn
    LEFT JOIN LATERAL (
        SELECT b.assessed_on AS baseline_on, {baseline_step} AS baseline_step_id
        FROM judgements b
        WHERE b.school_id = jn.school_id AND b.pupil_id = jn.pupil_id
          AND b.strand_id = jn.strand_id AND b.id <> jn.judgement_id
          AND b.assessed_on <= jn.assessed_on
          AND (b.kind = 'baseline' OR b.assessed_on >= jn.joined_on)
        ORDER BY b.kind = 'baseline' DESC,
                 CASE WHEN b.kind = 'baseline' THEN b.assessed_on END DESC NULLS LAST,
                 b.assessed_on
        LIMIT 1
    ) b ON true
),
active_models AS (
    SELECT * FROM progress_models WHERE active
),
measured AS (
    SELECT bl.*, st.framework_id, p.pathway, p.year_group, p.date_of_birth,
           ls.value AS latest_value, bs.value AS baseline_value,
           ls.value - bs.value AS gain,
           (SELECT sum(greatest(0, least(coalesce(e.left_on, bl.assessed_on), bl.assessed_on)
                                   - greatest(e.joined_on, bl.baseline_on)))
            FROM enrolments e
            WHERE e.school_id = bl.school_id AND e.pupil_id = bl.pupil_id
              AND bl.baseline_on IS NOT NULL) AS days_on_roll,
            {KEY_STAGE.format(o=ordinal_at_baseline)} AS key_stage,
           date_part('year', age(bl.baseline_on, p.date_of_birth))::int AS age_at_baseline,
           coalesce(specific.id, general.id) AS model_id
    FROM with_baseline bl
    JOIN pupils p ON p.school_id = bl.school_id AND p.id = bl.pupil_id
    JOIN strands st ON st.id = bl.strand_id
    JOIN steps ls ON ls.id = bl.step_id
    LEFT JOIN steps bs ON bs.id = bl.baseline_step_id
    LEFT JOIN active_models specific
           ON specific.framework_id = st.framework_id AND specific.pathway = p.pathway
    LEFT JOIN active_models general
           ON general.framework_id = st.framework_id AND general.pathway IS NULL
),
expected AS (
    SELECT ms.*, am.kind AS model_kind, am.name || ' v' || am.version AS model_label,
           CASE am.kind
               WHEN 'rate' THEN coalesce(stage_rule.rate_per_year, any_rule.rate_per_year)
                                * ms.days_on_roll / {DAYS_PER_YEAR}
               WHEN 'percentile' THEN CASE WHEN cell.learners >= am.min_peers
                                           THEN cell.p50 * ms.days_on_roll / {DAYS_PER_YEAR} END
           END AS expected_gain,
           am.expected_ratio, am.above_ratio, am.accelerated_ratio,
           am.maintenance_counts_as_expected
    FROM measured ms
    LEFT JOIN active_models am ON am.id = ms.model_id
    LEFT JOIN progress_rate_rules stage_rule
           ON stage_rule.model_id = am.id AND stage_rule.key_stage = ms.key_stage
          AND ms.baseline_value >= stage_rule.start_min AND ms.baseline_value < stage_rule.start_max
    LEFT JOIN progress_rate_rules any_rule
           ON any_rule.model_id = am.id AND any_rule.key_stage IS NULL
          AND ms.baseline_value >= any_rule.start_min AND ms.baseline_value < any_rule.start_max
    LEFT JOIN LATERAL (
        SELECT c.learners, c.p50 FROM progress_reference_cells c
        WHERE am.kind = 'percentile' AND c.model_id = am.id AND c.strand_id = ms.strand_id
          AND c.start_band = floor(ms.baseline_value / am.start_band_width)::int
          AND c.age_band = ms.age_at_baseline / am.age_band_years
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
