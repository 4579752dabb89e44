"""CoP 6.17 flags in SQL: every pupil-strand judged at an assessment point, its evidence,
its peers' percentiles and medians computed on the fly, and the four flags.

The rules and their exact definitions are domain.flags' (see its docstring); this is
the same thing where the data is, so that a trust-wide work-list is one statement and
the counting happens in PostgreSQL. A test proves the two agree. The steps:

  point         the module at `sequence` of `academic_year` in each school of the pool
  judged        every pupil-strand judged at it in the pool: the subjects and their peers
  started       each one's start this year (latest baseline of the year before now, else
                the year's first judgement; never the judgement at the point itself)
  banding       how each strand's framework bands peers: its general active model's
                start_band_width and age_band_years, else the defaults
  measured      values, days on roll between start and now, age on 31 August before the year
  banded        rate = gain x 365.25 / days, start band, age band, and the pool key (the
                school, or the trust, whose pupils are peers)
  rated         each one's rank in its groups: by rate among the same start and age band,
                by start value and by current value among the same age band
  subjects      the pupil-strands being checked (the requested schools; one pupil, or
                pupils who are not archived; archived pupils still count as peers)
  rate_groups   per pool, strand, start band and age band: the sorted rates
  value_groups  per pool, strand and age band, of those with a start this year: the
                sorted start values and the sorted current values
  checked       per subject: the peers' count, p25 and p50 of rates and medians of values,
                read off its groups' arrays without the subject's own place (see
                peer_percentiles: percentile_cont's arithmetic, linear in the pool), and
                last academic year's start and last judgements
  flagged       the four flags

Values count at the effective step (a moderated, adjusted judgement at the moderated
step). Everything is scoped to `:pool`; row-level security applies too.
"""

from typing import Any

from sqlalchemy import Row

from domain.analytics.flags import (
    DEFAULT_AGE_BAND_YEARS,
    DEFAULT_START_BAND_WIDTH,
    SLACK,
    Flag,
    FlagCheck,
    FlagCounts,
    FlagQuery,
    Grouping,
    Interval,
    PeerRates,
    PeerValues,
    Pool,
    StepOn,
    Tally,
    age_day,
)
from domain.analytics.progress import DAYS_PER_YEAR
from persistence.analytics.facts import EFFECTIVE_STEP


def params(query: FlagQuery) -> dict[str, Any]:
    bound: dict[str, Any] = {
        "schools": list(query.school_ids),
        "pool": list(query.pool_school_ids),
        "year": query.point.academic_year,
        "previous_year": query.previous_year,
        "seq": query.point.sequence,
        "age_day": age_day(query.year),
        "min_peers": query.settings.min_peers,
        "tolerance": query.settings.tolerance,
        "slack": SLACK,
        "default_width": DEFAULT_START_BAND_WIDTH,
        "default_years": DEFAULT_AGE_BAND_YEARS,
    }
    if query.strand_id is not None:
        bound["strand"] = query.strand_id
    if query.pupil_id is not None:
        bound["pupil"] = query.pupil_id
    return bound


def _days_on_roll(row: str, start: str, end: str) -> str:
    """Days on roll between two dates, leaving out the gaps between enrolments."""
    return f"""(SELECT sum(greatest(0, least(coalesce(e.left_on, {end}), {end})
                                - greatest(e.joined_on, {start})))
            FROM enrolments e
            WHERE e.school_id = {row}.school_id AND e.pupil_id = {row}.pupil_id
              AND {start} IS NOT NULL)"""


def _start_of_year(outer: str, year: str, end_id: str, end_on: str) -> str:
    """LATERAL: the start judgement of `year` before the one at `end_id`: the latest baseline,
    else the first judgement of the year."""
    return f"""LEFT JOIN LATERAL (
        SELECT b.assessed_on AS start_on, {EFFECTIVE_STEP.format(t="b")} AS start_step_id
        FROM judgements b
        JOIN modules bm ON bm.school_id = b.school_id AND bm.id = b.module_id
        WHERE b.school_id = {outer}.school_id AND b.pupil_id = {outer}.pupil_id
          AND b.strand_id = {outer}.strand_id AND bm.academic_year = {year}
          AND b.id <> {end_id} AND b.assessed_on <= {end_on}
        ORDER BY b.kind = 'baseline' DESC,
                 CASE WHEN b.kind = 'baseline' THEN b.assessed_on END DESC NULLS LAST,
                 b.assessed_on, b.id
        LIMIT 1
    )"""


def peer_percentiles(alias: str, values: str, own_rank: str, **fractions: float) -> str:
    """LATERAL `alias`: `learners` and percentile_cont(f) for each named fraction of the
    sorted array `values` less the pupil's own element, at 1-based `own_rank` (NULL when
    the pupil is not in the group).

    percentile_cont interpolates between the closest ranks: position f x (m - 1) among
    the m peers, lo + (hi - lo) x fraction. Reading those ranks straight off the group's
    sorted array, stepping over the pupil's own place, gives exactly what percentile_cont
    over the other peers gives (a test checks it), without sorting each pupil's peers
    again: a large pool costs linear time, not quadratic.
    """

    def peer(rank: str) -> str:  # a 0-based rank among the peers -> its array element
        return f"{values}[{rank} + 1 + (o.k IS NOT NULL AND {rank} + 1 >= o.k)::int]"

    columns = ["o.m AS learners"]
    for name, fraction in fractions.items():
        position = f"CAST({fraction!r} AS float8) * (o.m - 1)"
        low, high = f"floor({position})::int", f"ceil({position})::int"
        columns.append(
            f"CASE WHEN o.m > 0 THEN {peer(low)}"
            f" + ({position} - {low}) * ({peer(high)} - {peer(low)}) END AS {name}"
        )
    return f"""LEFT JOIN LATERAL (
        SELECT {", ".join(columns)}
        FROM (SELECT {own_rank} AS k,
                     cardinality({values}) - ({own_rank} IS NOT NULL)::int AS m) o
    ) {alias} ON true"""


def _rate(gain: str, days: str) -> str:
    return f"CASE WHEN {days} > 0 THEN ({gain}) * {DAYS_PER_YEAR} / {days} END"


def flagged_ctes(query: FlagQuery) -> str:
    """`WITH ... flagged AS (...)`: select from `flagged` after it."""
    strand = " AND j.strand_id = :strand" if query.strand_id is not None else ""
    if query.pupil_id is not None:
        # only the strands the pupil was judged on at the point need peers
        strand += """ AND j.strand_id IN (
            SELECT pj.strand_id FROM judgements pj
            JOIN point pp ON pp.school_id = pj.school_id AND pp.module_id = pj.module_id
            WHERE pj.pupil_id = :pupil)"""
        who = "r.pupil_id = :pupil"
    else:
        who = "NOT r.archived"
    pool_key = "school_id" if query.settings.pool is Pool.SCHOOL else "trust_id"
    return f"""
WITH point AS (
    SELECT m.school_id, sc.trust_id, m.id AS module_id
    FROM modules m
    JOIN schools sc ON sc.id = m.school_id
    WHERE m.school_id = ANY(:pool) AND m.academic_year = :year AND m.sequence = :seq
),
judged AS (
    SELECT j.school_id, point.trust_id, j.pupil_id, j.strand_id, j.id AS judgement_id,
           j.assessed_on AS now_on, {EFFECTIVE_STEP.format(t="j")} AS now_step_id
    FROM judgements j
    JOIN point ON point.school_id = j.school_id AND point.module_id = j.module_id
    WHERE j.school_id = ANY(:pool){strand}
),
started AS (
    SELECT n.*, s.start_on, s.start_step_id
    FROM judged n
    {_start_of_year("n", ":year", "n.judgement_id", "n.now_on")} s ON true
),
banding AS (
    SELECT st.id AS strand_id, st.framework_id, gm.id AS model_id,
           gm.name || ' v' || gm.version AS model_label,
           coalesce(gm.start_band_width, :default_width) AS start_band_width,
           coalesce(gm.age_band_years, :default_years) AS age_band_years
    FROM strands st
    LEFT JOIN progress_models gm
           ON gm.framework_id = st.framework_id AND gm.active AND gm.pathway IS NULL
    WHERE st.id IN (SELECT strand_id FROM judged)
),
measured AS (
    SELECT sd.*, g.framework_id, g.model_id, g.model_label, g.start_band_width,
           g.age_band_years, p.deleted_at IS NOT NULL AS archived,
           ns.value AS now_value, ss.value AS start_value,
           {_days_on_roll("sd", "sd.start_on", "sd.now_on")} AS days_on_roll,
           date_part('year', age(CAST(:age_day AS date), p.date_of_birth))::int AS age
    FROM started sd
    JOIN pupils p ON p.school_id = sd.school_id AND p.id = sd.pupil_id
    JOIN banding g ON g.strand_id = sd.strand_id
    JOIN steps ns ON ns.id = sd.now_step_id
    LEFT JOIN steps ss ON ss.id = sd.start_step_id
),
banded AS (
    SELECT ms.*, ms.{pool_key} AS pool_key,
           {_rate("ms.now_value - ms.start_value", "ms.days_on_roll")} AS rate,
           floor(ms.start_value / ms.start_band_width)::int AS start_band,
           ms.age / ms.age_band_years AS age_band
    FROM measured ms
),
rated AS (
    SELECT b.*,
           CASE WHEN b.rate IS NOT NULL THEN row_number() OVER (
               PARTITION BY b.pool_key, b.strand_id, b.start_band, b.age_band ORDER BY b.rate)
           END AS rate_rank,
           CASE WHEN b.start_value IS NOT NULL THEN row_number() OVER (
               PARTITION BY b.pool_key, b.strand_id, b.age_band ORDER BY b.start_value)
           END AS start_rank,
           CASE WHEN b.start_value IS NOT NULL THEN row_number() OVER (
               PARTITION BY b.pool_key, b.strand_id, b.age_band
               ORDER BY b.start_value IS NULL, b.now_value)
           END AS now_rank
    FROM banded b
),
subjects AS (
    SELECT r.* FROM rated r WHERE r.school_id = ANY(:schools) AND {who}
),
rate_groups AS MATERIALIZED (
    SELECT r.pool_key, r.strand_id, r.start_band, r.age_band,
           array_agg(r.rate ORDER BY r.rate) AS rates
    FROM rated r
    WHERE r.rate IS NOT NULL
    GROUP BY r.pool_key, r.strand_id, r.start_band, r.age_band
),
value_groups AS MATERIALIZED (
    SELECT r.pool_key, r.strand_id, r.age_band,
           array_agg(r.start_value ORDER BY r.start_value) AS starts,
           array_agg(r.now_value ORDER BY r.now_value) AS nows
    FROM rated r
    WHERE r.start_value IS NOT NULL
    GROUP BY r.pool_key, r.strand_id, r.age_band
),
checked AS (
    SELECT s.pupil_id, s.school_id, s.strand_id, s.framework_id,
           s.now_step_id, s.now_value, s.now_on, s.start_step_id, s.start_value, s.start_on,
           s.days_on_roll, s.rate,
           s.model_id, s.model_label, s.start_band_width, s.age_band_years,
           s.start_band, s.age_band,
           coalesce(rp.learners, 0) AS rate_learners, rp.p25, rp.p50,
           coalesce(vs.learners, 0) AS value_learners,
           vs.median AS median_start, vn.median AS median_now,
           vs.median - s.start_value AS gap_start, vn.median - s.now_value AS gap_now,
           le.end_step_id AS last_end_step_id, lev.value AS last_end_value,
           le.end_on AS last_end_on, ls.start_step_id AS last_start_step_id,
           lsv.value AS last_start_value, ls.start_on AS last_start_on,
           {_days_on_roll("s", "ls.start_on", "le.end_on")} AS last_days_on_roll
    FROM subjects s
    LEFT JOIN rate_groups rg
           ON rg.pool_key = s.pool_key AND rg.strand_id = s.strand_id
          AND rg.start_band = s.start_band AND rg.age_band = s.age_band
    LEFT JOIN value_groups vg
           ON vg.pool_key = s.pool_key AND vg.strand_id = s.strand_id
          AND vg.age_band = s.age_band
    {peer_percentiles("rp", "rg.rates", "s.rate_rank", p25=0.25, p50=0.5)}
    {peer_percentiles("vs", "vg.starts", "s.start_rank", median=0.5)}
    {peer_percentiles("vn", "vg.nows", "s.now_rank", median=0.5)}
    LEFT JOIN LATERAL (
        SELECT le.id AS end_id, le.assessed_on AS end_on,
               {EFFECTIVE_STEP.format(t="le")} AS end_step_id
        FROM judgements le
        JOIN modules lm ON lm.school_id = le.school_id AND lm.id = le.module_id
        WHERE le.school_id = s.school_id AND le.pupil_id = s.pupil_id
          AND le.strand_id = s.strand_id AND lm.academic_year = :previous_year
        ORDER BY le.assessed_on DESC, le.id DESC
        LIMIT 1
    ) le ON true
    {_start_of_year("s", ":previous_year", "le.end_id", "le.end_on")} ls ON true
    LEFT JOIN steps lev ON lev.id = le.end_step_id
    LEFT JOIN steps lsv ON lsv.id = ls.start_step_id
),
flagged AS (
    SELECT c.*,
           coalesce(c.rate_learners >= :min_peers AND c.rate < c.p25 - :slack, false)
               AS slower_than_peers,
           coalesce(c.rate < c.last_rate - :tolerance - :slack, false) AS below_previous_rate,
           coalesce(c.value_learners >= :min_peers AND c.gap_now > :slack
                    AND c.gap_now >= c.gap_start - :slack, false) AS gap_not_closing,
           coalesce(c.value_learners >= :min_peers AND c.gap_now > :slack
                    AND c.gap_now > c.gap_start + :slack, false) AS gap_widening
    FROM (
        SELECT ch.*,
               {_rate("ch.last_end_value - ch.last_start_value", "ch.last_days_on_roll")}
                   AS last_rate
        FROM checked ch
    ) c
)
"""


CHECK_COLUMNS = """
    pupil_id, school_id, strand_id, framework_id, now_step_id, now_value, now_on,
    start_step_id, start_value, start_on, days_on_roll, rate, model_id, model_label,
    start_band_width, age_band_years, start_band, age_band, rate_learners, p25, p50,
    value_learners, median_start, median_now, last_end_step_id, last_end_value, last_end_on,
    last_start_step_id, last_start_value, last_start_on, last_days_on_roll, last_rate,
    slower_than_peers, below_previous_rate, gap_not_closing, gap_widening
"""

ANY_FLAG = " OR ".join(flag.value for flag in Flag)


def checks_sql(query: FlagQuery) -> str:
    """Every pupil-strand checked, flagged or not."""
    return flagged_ctes(query) + f"SELECT {CHECK_COLUMNS} FROM flagged ORDER BY pupil_id, strand_id"


def worklist_sql(query: FlagQuery) -> str:
    """The counts over everything checked, then (on the same rows) each flagged pupil-strand;
    with nothing flagged, one row of counts with the pupil-strand columns null."""
    listed = query.flag.value if query.flag is not None else ANY_FLAG
    tallies = ",\n           ".join(
        f"count(DISTINCT pupil_id) FILTER (WHERE {f.value}) AS n_{f.value}_pupils,"
        f" count(*) FILTER (WHERE {f.value}) AS n_{f.value}_strands"
        for f in Flag
    )
    return (
        flagged_ctes(query)
        + f""",
tally AS (
    SELECT count(DISTINCT pupil_id) AS n_pupils, count(*) AS n_strands,
           count(DISTINCT pupil_id) FILTER (WHERE {ANY_FLAG}) AS n_flagged_pupils,
           {tallies}
    FROM flagged
)
SELECT tally.*, listed.*
FROM tally
LEFT JOIN (SELECT {CHECK_COLUMNS} FROM flagged WHERE {listed}) listed ON true
ORDER BY listed.pupil_id, listed.strand_id
"""
    )


def _step(step_id: Any, value: Any, on: Any) -> StepOn | None:
    return None if step_id is None else StepOn(step_id, value, on)


def check_of(r: Row[Any]) -> FlagCheck:
    last_end = _step(r.last_end_step_id, r.last_end_value, r.last_end_on)
    return FlagCheck(
        pupil_id=r.pupil_id,
        school_id=r.school_id,
        strand_id=r.strand_id,
        framework_id=r.framework_id,
        this_year=Interval(
            start=_step(r.start_step_id, r.start_value, r.start_on),
            end=StepOn(r.now_step_id, r.now_value, r.now_on),
            days_on_roll=r.days_on_roll,
            rate=r.rate,
        ),
        last_year=None
        if last_end is None
        else Interval(
            start=_step(r.last_start_step_id, r.last_start_value, r.last_start_on),
            end=last_end,
            days_on_roll=r.last_days_on_roll,
            rate=r.last_rate,
        ),
        grouping=Grouping(
            model_id=r.model_id,
            model_label=r.model_label,
            start_band_width=r.start_band_width,
            age_band_years=r.age_band_years,
            start_band=r.start_band,
            age_band=r.age_band,
        ),
        peer_rates=PeerRates(r.rate_learners, r.p25, r.p50),
        peer_values=PeerValues(r.value_learners, r.median_start, r.median_now),
        flags=frozenset(f for f in Flag if getattr(r, f.value)),
    )


def counts_of(r: Row[Any]) -> FlagCounts:
    return FlagCounts(
        pupils_checked=r.n_pupils,
        pupil_strands_checked=r.n_strands,
        pupils_flagged=r.n_flagged_pupils,
        by_flag={
            f: Tally(getattr(r, f"n_{f.value}_pupils"), getattr(r, f"n_{f.value}_strands"))
            for f in Flag
        },
    )
