"""The best hand-written SQL for the engine's numbers, run through asyncpg as the owner.

Parameters: $1 school ids (uuid[]), $2 academic year ('2025/26'), $3 module sequence,
$4 the academic year "today" is in (2026 for 2026/27), as the engine takes them.

COHORT_SQL gives exactly what persistence.analytics.cohort.cohort_sql gives for all eleven
groups: (dimension, value, judged, measured, expected_or_better, above_or_better,
accelerated) for the cohort ('', NULL), each group of Pupil Premium, FSM, EAL, looked
after, SEN provision, primary need, gender, year group then, pathway, school, and strand.
It is specialised to what this trust has, which the engine cannot assume:

- rate models only (no percentile branch, no reference cells);
- bands as small integers (0 insufficient, 1 below, 2 expected, 3 above, 4 accelerated)
  and no per-fact output columns (labels, ids, expected gain);
- the rate rule found by an integer key stage in one equality join;
- no row-level security (it runs as the owner), so no policy quals at all.

It keeps the engine's semantics for everything the numbers depend on: the baseline (latest
baseline-kind judgement on or before the latest one, else the first since last joining),
adjusted moderation, days on roll across stays, key stage at baseline, model by pathway
else general, band thresholds with the same tolerance, characteristics as at the end of
each school's module, and the year group then.
"""

from domain.analytics.progress import DAYS_PER_YEAR, RATIO_TOLERANCE

_ROLL = """
roll AS (
    SELECT p.school_id, p.id AS pupil_id, p.gender, p.pathway,
           coalesce(p.pathway, '') AS pathway_key,
           CASE p.year_group WHEN 'N1' THEN -2 WHEN 'N2' THEN -1 WHEN 'R' THEN 0
                ELSE p.year_group::int END AS ordinal_now,
           s.stays, s.joined_on, s.left_on, s.joins, s.lefts
    FROM pupils p
    LEFT JOIN (
        SELECT school_id, pupil_id, count(*) AS stays, min(joined_on) AS joined_on,
               max(left_on) AS left_on, array_agg(joined_on) AS joins,
               array_agg(left_on) AS lefts
        FROM enrolments
        WHERE school_id = ANY($1){stays_filter}
        GROUP BY school_id, pupil_id
    ) s ON s.school_id = p.school_id AND s.pupil_id = p.id
    WHERE p.school_id = ANY($1){pupil_filter}
)"""

_LATEST = """
latest AS (
    SELECT j.school_id, j.pupil_id, j.strand_id, j.id, j.assessed_on, m.ends_on,
           CASE WHEN j.moderation_state = 'adjusted' THEN j.moderated_step_id
                ELSE j.step_id END AS step_id,
           r.gender, r.pathway, r.pathway_key, r.ordinal_now,
           r.stays, r.joined_on, r.left_on, r.joins, r.lefts,
           b.assessed_on AS baseline_on, b.step_id AS baseline_step_id,
           CASE WHEN b.assessed_on IS NULL THEN (
               SELECT f FROM judgements f
               WHERE f.school_id = j.school_id AND f.pupil_id = j.pupil_id
                 AND f.strand_id = j.strand_id AND f.assessed_on <= j.assessed_on
                 AND f.id <> j.id
                 AND f.assessed_on >= CASE WHEN r.stays = 1 THEN
                         CASE WHEN r.joined_on <= j.assessed_on THEN r.joined_on END
                     ELSE (SELECT max(u) FROM unnest(r.joins) u WHERE u <= j.assessed_on) END
               ORDER BY f.assessed_on, f.id
               LIMIT 1) END AS first
    FROM modules m
    JOIN judgements j ON j.school_id = m.school_id AND j.module_id = m.id
    LEFT JOIN roll r ON r.school_id = j.school_id AND r.pupil_id = j.pupil_id
    LEFT JOIN LATERAL (
        SELECT b.assessed_on,
               CASE WHEN b.moderation_state = 'adjusted' THEN b.moderated_step_id
                    ELSE b.step_id END AS step_id
        FROM judgements b
        WHERE b.kind = 'baseline' AND b.pupil_id = j.pupil_id AND b.strand_id = j.strand_id
          AND b.school_id = j.school_id AND b.assessed_on <= j.assessed_on AND b.id <> j.id
        ORDER BY b.assessed_on DESC, b.id DESC
        LIMIT 1
    ) b ON true
    WHERE m.school_id = ANY($1) AND m.academic_year = $2 AND m.sequence = $3{latest_filter}
    OFFSET 0
),
dated AS (
    SELECT l.*, coalesce(l.baseline_on, (l.first).assessed_on) AS start_on,
           coalesce(l.baseline_step_id, CASE WHEN (l.first).moderation_state = 'adjusted'
                THEN (l.first).moderated_step_id ELSE (l.first).step_id END) AS start_step_id
    FROM latest l
    OFFSET 0
),
timed AS (
    SELECT d.*,
           CASE WHEN d.start_on IS NULL OR d.stays IS NULL THEN NULL
                WHEN d.stays = 1 THEN greatest(0, least(coalesce(d.left_on, d.assessed_on),
                                                        d.assessed_on)
                                                  - greatest(d.joined_on, d.start_on))
                ELSE (SELECT sum(greatest(0, least(coalesce(u.l, d.assessed_on), d.assessed_on)
                                             - greatest(u.j, d.start_on)))
                      FROM unnest(d.joins, d.lefts) AS u(j, l)) END AS days,
           d.ordinal_now - $4 - 1 + date_part('year', d.start_on + 122)::int AS ordinal_then
    FROM dated d
    OFFSET 0
),
models AS (
    SELECT st.id AS strand_id, pw.pathway_key, m.id AS model_id, m.expected_ratio,
           m.above_ratio, m.accelerated_ratio, m.maintenance_counts_as_expected
    FROM strands st
    CROSS JOIN (SELECT DISTINCT coalesce(pathway, '') AS pathway_key FROM pupils
                WHERE school_id = ANY($1)) pw
    LEFT JOIN progress_models sp ON sp.active AND sp.framework_id = st.framework_id
                                 AND sp.pathway = pw.pathway_key
    LEFT JOIN progress_models ge ON ge.active AND ge.framework_id = st.framework_id
                                 AND ge.pathway IS NULL
    JOIN progress_models m ON m.id = coalesce(sp.id, ge.id)
),
rates AS (
    SELECT m.id AS model_id, s.id AS step_id, ks.stage,
           coalesce(
               (SELECT r.rate_per_year FROM progress_rate_rules r
                WHERE r.model_id = m.id AND r.key_stage = ks.code
                  AND s.value >= r.start_min AND s.value < r.start_max LIMIT 1),
               (SELECT r.rate_per_year FROM progress_rate_rules r
                WHERE r.model_id = m.id AND r.key_stage IS NULL
                  AND s.value >= r.start_min AND s.value < r.start_max LIMIT 1)) AS rate
    FROM progress_models m
    JOIN steps s ON s.framework_id = m.framework_id
    CROSS JOIN (VALUES (0, 'EYFS'), (1, 'KS1'), (2, 'KS2'), (3, 'KS3'), (4, 'KS4'), (5, 'KS5'))
        AS ks(stage, code)
    WHERE m.active AND m.kind = 'rate'
),
banded AS (
    SELECT t.school_id, t.pupil_id, t.strand_id, t.ends_on, t.gender, t.pathway,
           t.ordinal_now, t.start_on, t.days, x.gain, x.expected,
           CASE
               WHEN x.gain IS NULL OR x.expected IS NULL THEN 0
               WHEN x.expected <= 0 THEN CASE WHEN x.gain < 0 THEN 1
                                              WHEN x.gain > 0 THEN 3
                                              WHEN md.maintenance_counts_as_expected THEN 2
                                              ELSE 1 END
               WHEN x.gain / x.expected >= md.accelerated_ratio - {tolerance} THEN 4
               WHEN x.gain / x.expected >= md.above_ratio - {tolerance} THEN 3
               WHEN x.gain / x.expected >= md.expected_ratio - {tolerance} THEN 2
               ELSE 1 END AS band
    FROM timed t
    LEFT JOIN models md ON md.strand_id = t.strand_id AND md.pathway_key = t.pathway_key
    LEFT JOIN steps ls ON ls.id = t.step_id
    LEFT JOIN steps bs ON bs.id = t.start_step_id
    LEFT JOIN rates rt ON rt.model_id = md.model_id AND rt.step_id = t.start_step_id
        AND rt.stage = CASE WHEN t.ordinal_then <= 0 THEN 0 WHEN t.ordinal_then <= 2 THEN 1
                            WHEN t.ordinal_then <= 6 THEN 2 WHEN t.ordinal_then <= 9 THEN 3
                            WHEN t.ordinal_then <= 11 THEN 4 ELSE 5 END
    CROSS JOIN LATERAL (
        SELECT ls.value - bs.value AS gain, rt.rate * t.days / {days_per_year} AS expected
    ) x
)"""

COHORT_SQL = (
    "WITH"
    + _ROLL.format(stays_filter="", pupil_filter="")
    + ","
    + _LATEST.format(latest_filter="", tolerance=RATIO_TOLERANCE, days_per_year=DAYS_PER_YEAR)
    + """,
counted AS (
    SELECT school_id, pupil_id, strand_id, min(ends_on) AS ends_on, min(gender) AS gender,
           min(pathway) AS pathway, min(ordinal_now) AS ordinal_now,
           count(*) AS judged, count(*) FILTER (WHERE band > 0) AS measured,
           count(*) FILTER (WHERE band >= 2) AS eob, count(*) FILTER (WHERE band >= 3) AS aob,
           count(*) FILTER (WHERE band = 4) AS acc
    FROM banded
    GROUP BY GROUPING SETS ((school_id, pupil_id), (strand_id))
),
characteristics AS (
    SELECT c.school_id, c.pupil_id,
           bool_or(c.kind = 'pupil_premium') AS pp, bool_or(c.kind = 'fsm') AS fsm,
           bool_or(c.kind = 'eal') AS eal, bool_or(c.kind = 'looked_after') AS la,
           max(c.value) FILTER (WHERE c.kind = 'sen_provision') AS sen,
           max(c.value) FILTER (WHERE c.kind = 'sen_need' AND c.rank = 1) AS need
    FROM pupil_characteristics c
    JOIN modules m ON m.school_id = c.school_id
    WHERE c.school_id = ANY($1) AND m.school_id = ANY($1) AND m.academic_year = $2
      AND m.sequence = $3 AND c.start_on <= m.ends_on
      AND (c.end_on IS NULL OR c.end_on >= m.ends_on)
    GROUP BY c.school_id, c.pupil_id
),
dims AS (
    SELECT c.judged, c.measured, c.eob, c.aob, c.acc,
           CASE WHEN ch.pp THEN 'yes' ELSE 'no' END AS pupil_premium,
           CASE WHEN ch.fsm THEN 'yes' ELSE 'no' END AS fsm,
           CASE WHEN ch.eal THEN 'yes' ELSE 'no' END AS eal,
           CASE WHEN ch.la THEN 'yes' ELSE 'no' END AS looked_after,
           coalesce(ch.sen, 'N') AS sen_provision,
           coalesce(ch.need, 'none') AS primary_need,
           c.gender::text AS gender,
           CASE y.o WHEN -2 THEN 'N1' WHEN -1 THEN 'N2' WHEN 0 THEN 'R' ELSE y.o::text END
               AS year_group,
           coalesce(c.pathway, '') AS pathway,
           c.school_id::text AS school
    FROM counted c
    CROSS JOIN LATERAL (
        SELECT c.ordinal_now - ($4 - (date_part('year', c.ends_on + 122)::int - 1)) AS o
    ) y
    LEFT JOIN characteristics ch ON ch.school_id = c.school_id AND ch.pupil_id = c.pupil_id
    WHERE c.pupil_id IS NOT NULL
)
SELECT CASE GROUPING(pupil_premium, fsm, eal, looked_after, sen_provision, primary_need,
                     gender, year_group, pathway, school)
           WHEN 1023 THEN '' WHEN 511 THEN 'pupil_premium' WHEN 767 THEN 'fsm'
           WHEN 895 THEN 'eal' WHEN 959 THEN 'looked_after' WHEN 991 THEN 'sen_provision'
           WHEN 1007 THEN 'primary_need' WHEN 1015 THEN 'gender' WHEN 1019 THEN 'year_group'
           WHEN 1021 THEN 'pathway' WHEN 1022 THEN 'school' END AS dimension,
       coalesce(pupil_premium, fsm, eal, looked_after, sen_provision, primary_need, gender,
                year_group, pathway, school) AS value,
       coalesce(sum(judged), 0)::bigint AS judged, coalesce(sum(measured), 0)::bigint AS measured,
       coalesce(sum(eob), 0)::bigint AS expected_or_better,
       coalesce(sum(aob), 0)::bigint AS above_or_better,
       coalesce(sum(acc), 0)::bigint AS accelerated
FROM dims
GROUP BY GROUPING SETS ((), (pupil_premium), (fsm), (eal), (looked_after), (sen_provision),
                        (primary_need), (gender), (year_group), (pathway), (school))
UNION ALL
SELECT 'strand', strand_id::text, judged, measured, eob, aob, acc
FROM counted WHERE strand_id IS NOT NULL
"""
)

#: One pupil's strands: $5 is the pupil (and $1 their school). Band as text, with the
#: baseline, latest, gain, days and expected gain the API shows (model label aside).
PUPIL_SQL = (
    "WITH"
    + _ROLL.format(stays_filter=" AND pupil_id = $5", pupil_filter=" AND p.id = $5")
    + ","
    + _LATEST.format(
        latest_filter=" AND j.pupil_id = $5", tolerance=RATIO_TOLERANCE, days_per_year=DAYS_PER_YEAR
    )
    + """
SELECT b.strand_id, b.start_on, b.gain, b.days, b.expected,
       (ARRAY['insufficient_data', 'below_expected', 'expected', 'above_expected',
              'accelerated'])[b.band + 1] AS band
FROM banded b
ORDER BY b.strand_id
"""
)
