"""Reference cells for percentile models: how much similar learners gained per year.

An observation is one pupil's year on one strand: from their first judgement of the
academic year to their last, at least `min_days` apart, annualised by days on roll
(gain x 365.25 / days). Observations are grouped by strand, starting band
(floor(start value / width)), age band (age at the start // years) and, when the
model asks, primary need at the start; each cell keeps its count and quartiles.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from domain.analytics.progress import DAYS_PER_YEAR
from persistence.analytics.facts import EFFECTIVE_STEP


@dataclass(frozen=True, slots=True)
class ReferenceQuery:
    school_ids: tuple[uuid.UUID, ...]
    framework_id: uuid.UUID
    academic_years: tuple[str, ...]
    start_band_width: float
    age_band_years: int
    match_primary_need: bool
    min_days: int = 60

    def params(self) -> dict[str, Any]:
        return {
            "schools": list(self.school_ids),
            "framework": self.framework_id,
            "years": list(self.academic_years),
            "width": self.start_band_width,
            "age_years": self.age_band_years,
            "match_need": self.match_primary_need,
            "min_days": self.min_days,
        }


REFERENCE_SQL = f"""
WITH yearly AS (
    SELECT j.school_id, j.pupil_id, j.strand_id, m.academic_year,
           min(j.assessed_on) AS first_on, max(j.assessed_on) AS last_on,
           (array_agg({EFFECTIVE_STEP.format(t="j")} ORDER BY j.assessed_on, j.id))[1]
               AS first_step,
           (array_agg({EFFECTIVE_STEP.format(t="j")} ORDER BY j.assessed_on DESC, j.id DESC))[1]
               AS last_step
    FROM judgements j
    JOIN modules m ON m.school_id = j.school_id AND m.id = j.module_id
    JOIN strands st ON st.id = j.strand_id AND st.framework_id = :framework
    WHERE j.school_id = ANY(:schools) AND m.academic_year = ANY(:years)
    GROUP BY j.school_id, j.pupil_id, j.strand_id, m.academic_year
    HAVING max(j.assessed_on) - min(j.assessed_on) >= :min_days
),
observed AS (
    SELECT y.strand_id, fs.value AS start_value, ls.value - fs.value AS gain,
           date_part('year', age(y.first_on, p.date_of_birth))::int AS age,
           (SELECT sum(greatest(0, least(coalesce(e.left_on, y.last_on), y.last_on)
                                   - greatest(e.joined_on, y.first_on)))
            FROM enrolments e
            WHERE e.school_id = y.school_id AND e.pupil_id = y.pupil_id) AS days,
           CASE WHEN :match_need THEN coalesce((
               SELECT n.value FROM pupil_characteristics n
               WHERE n.school_id = y.school_id AND n.pupil_id = y.pupil_id AND n.kind = 'sen_need'
                 AND n.rank = 1 AND n.start_on <= y.first_on
                 AND (n.end_on IS NULL OR n.end_on >= y.first_on)
               LIMIT 1), '') ELSE '' END AS primary_need
    FROM yearly y
    JOIN pupils p ON p.school_id = y.school_id AND p.id = y.pupil_id
    JOIN steps fs ON fs.id = y.first_step
    JOIN steps ls ON ls.id = y.last_step
),
annualised AS (
    SELECT strand_id, floor(start_value / :width)::int AS start_band,
           age / :age_years AS age_band, primary_need,
           gain * {DAYS_PER_YEAR} / days AS per_year
    FROM observed
    WHERE days > 0
)
SELECT strand_id, start_band, age_band, primary_need, count(*) AS learners,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY per_year) AS p25,
       percentile_cont(0.50) WITHIN GROUP (ORDER BY per_year) AS p50,
       percentile_cont(0.75) WITHIN GROUP (ORDER BY per_year) AS p75,
       percentile_cont(0.90) WITHIN GROUP (ORDER BY per_year) AS p90
FROM annualised
GROUP BY strand_id, start_band, age_band, primary_need
ORDER BY strand_id, start_band, age_band, primary_need
"""
