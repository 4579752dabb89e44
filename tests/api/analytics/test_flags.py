"""CoP 6.17 flags at their boundaries, in SQL agreeing with domain.flags, and over REST."""

import random
import statistics
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from api.runtime import Runtime
from domain.analytics import flag_service as flags_service
from domain.analytics import progress_model_service as progress_models
from domain.analytics.flag_service import StrandFlags
from domain.analytics.flags import Flag, FlagCheck, FlagQuery, FlagSettings, Unmeasured, verdicts
from domain.analytics.progress import AssessmentPoint, RateRule
from domain.assessment.judgement import JudgementKind
from domain.identity import identity_service as identity
from domain.kernel.access import Permission, Principal, Role
from domain.pupils import pupil_service as pupils
from domain.pupils.pupil import Pupil
from persistence.analytics.flags import peer_percentiles
from tests.api.problems import assert_problem
from tests.api.progress_support import SYSTEM, Tracker

POINT = AssessmentPoint("2023/24", 6)
BASELINE = JudgementKind.BASELINE
WORKLIST = "/api/v1/analytics/flags"
#: this year's baselines are on 15 September 2023 and the module 6 judgements on
#: 10 July 2024: 299 days on roll, so a gain of g steps is a rate of g x 365.25 / 299
DAYS = 299


def per_year(gain: float, days: int = DAYS) -> float:
    return gain * 365.25 / days


async def flags_of(
    tracker: Tracker, pupil: Pupil, strand: str = "ENG", **settings: Any
) -> StrandFlags:
    report = await flags_service.pupil_flags(
        tracker.runtime.system_uow(), SYSTEM, pupil.id, POINT, FlagSettings(**settings)
    )
    [found] = [s for s in report.pupil.strands if s.check.strand_id == tracker.strand(strand)]
    return found


def raised(strand: StrandFlags, flag: Flag) -> bool:
    """Whether the flag is raised, after checking the database and the domain rule agree."""
    assert (flag in strand.check.flags) == strand.verdicts[flag].flagged, strand
    return strand.verdicts[flag].flagged


async def peers(
    tracker: Tracker,
    gains: Sequence[float],
    baseline: float = 2.0,
    born: date = date(2011, 3, 1),
) -> list[Pupil]:
    made = []
    for gain in gains:
        pupil = await tracker.pupil(born=born)
        await tracker.progress(pupil, "ENG", "2023/24", gain, baseline)
        made.append(pupil)
    return made


async def judged(
    tracker: Tracker, start: float, now: float, start_on: date = date(2023, 9, 15)
) -> Pupil:
    """A pupil with a baseline this year and a judgement at the point."""
    pupil = await tracker.pupil()
    await tracker.judge(pupil, "ENG", "2023/24", 1, start, start_on, BASELINE)
    await tracker.judge(pupil, "ENG", "2023/24", 6, now, date(2024, 7, 10))
    return pupil


# --- (a) slower than peers from the same baseline ---------------------------------------

#: ten peers' gains: p25 at position 0.25 x 9 = 2.25 of the sorted list, between 2 and 2
PEER_GAINS = [1, 1, 2, 2, 2, 3, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("start_on", "slower"),
    [
        (date(2023, 9, 15), False),  # 2 steps in 299 days: exactly the peers' p25
        (date(2023, 9, 14), True),  # 2 steps in 300 days: just below it
    ],
)
async def test_a_rate_exactly_at_the_peers_p25_is_not_slower_and_just_below_it_is(
    runtime: Runtime, start_on: date, slower: bool
) -> None:
    tracker = await Tracker.build(runtime)
    await peers(tracker, PEER_GAINS)
    pupil = await judged(tracker, 2, 4, start_on)
    strand = await flags_of(tracker, pupil)
    evidence = strand.check.peer_rates
    assert evidence.learners == 10
    assert evidence.p25 == pytest.approx(per_year(2))
    assert evidence.p50 == pytest.approx(per_year(2.5))
    assert raised(strand, Flag.SLOWER_THAN_PEERS) is slower
    assert strand.verdicts[Flag.SLOWER_THAN_PEERS].unmeasured is None


@pytest.mark.parametrize(("how_many", "slower"), [(10, True), (9, False)])
async def test_exactly_min_peers_peers_raise_the_flag_and_one_fewer_does_not(
    runtime: Runtime, how_many: int, slower: bool
) -> None:
    tracker = await Tracker.build(runtime)
    await peers(tracker, [3] * how_many)
    # not peers: another start band (5 // 3 = 1), another age band (14 // 2 = 7), or
    # judged on another strand
    await peers(tracker, [3], baseline=5)
    await peers(tracker, [3], born=date(2009, 3, 1))
    other_strand = await tracker.pupil()
    await tracker.progress(other_strand, "MAT", "2023/24", 3)
    pupil = await judged(tracker, 2, 2)
    strand = await flags_of(tracker, pupil)
    assert strand.check.peer_rates.learners == how_many
    assert (strand.check.grouping.start_band, strand.check.grouping.age_band) == (0, 6)
    assert raised(strand, Flag.SLOWER_THAN_PEERS) is slower
    expected = None if slower else Unmeasured.TOO_FEW_PEERS
    assert strand.verdicts[Flag.SLOWER_THAN_PEERS].unmeasured is expected


async def test_peers_are_banded_by_the_frameworks_active_model_which_the_result_names(
    runtime: Runtime,
) -> None:
    tracker = await Tracker.build(runtime)
    await peers(tracker, [3] * 5)
    await peers(tracker, [3] * 5, baseline=8)  # start band 2 of width 3, band 0 of width 10
    pupil = await judged(tracker, 2, 2)
    before = await flags_of(tracker, pupil)
    assert before.check.grouping.model_label == "Three a year v1"
    assert before.check.grouping.start_band_width == 3.0
    assert before.check.peer_rates.learners == 5
    [model] = await progress_models.list_models(runtime.system_uow(), SYSTEM, tracker.framework.id)
    await progress_models.revise_model(
        runtime.system_uow(),
        SYSTEM,
        model.id,
        progress_models.ModelSpec(
            "Three a year", rules=(RateRule(0, 100, 3.0),), start_band_width=10, age_band_years=4
        ),
    )
    after = await flags_of(tracker, pupil)
    grouping = after.check.grouping
    assert (grouping.model_label, grouping.start_band_width, grouping.age_band_years) == (
        "Three a year v2",
        10.0,
        4,
    )
    assert (grouping.start_band, grouping.age_band) == (0, 3)
    assert after.check.peer_rates.learners == 10
    assert raised(after, Flag.SLOWER_THAN_PEERS)


# --- (b) below the pupil's previous rate ------------------------------------------------


@pytest.mark.parametrize(
    ("gain", "tolerance", "below"),
    [
        (3, 0.0, False),  # the same rate as last year
        (4, 0.0, False),  # better
        (2, 0.0, True),  # 1.2258 steps a year lower
        (2, 1.0, True),  # lower by more than the tolerance
        (2, 1.5, False),  # lower, but within the tolerance
    ],
)
async def test_a_rate_below_last_years_by_more_than_the_tolerance_is_flagged(
    runtime: Runtime, gain: int, tolerance: float, below: bool
) -> None:
    tracker = await Tracker.build(runtime)
    pupil = await tracker.pupil()
    # 298 days each year: 15 September to 10 July 2023, and to 9 July in leap 2024
    await tracker.judge(pupil, "ENG", "2022/23", 1, 2, date(2022, 9, 15), BASELINE)
    await tracker.judge(pupil, "ENG", "2022/23", 3, 3, date(2023, 1, 20))
    await tracker.judge(pupil, "ENG", "2022/23", 6, 5, date(2023, 7, 10))
    await tracker.judge(pupil, "ENG", "2023/24", 1, 5, date(2023, 9, 15), BASELINE)
    await tracker.judge(pupil, "ENG", "2023/24", 6, 5 + gain, date(2024, 7, 9))
    strand = await flags_of(tracker, pupil, tolerance=tolerance)
    last_year = strand.check.last_year
    assert last_year is not None
    assert last_year.start is not None
    assert (last_year.start.on, last_year.end.on, last_year.days_on_roll) == (
        date(2022, 9, 15),
        date(2023, 7, 10),
        298,
    )
    assert last_year.rate == pytest.approx(per_year(3, 298))
    assert strand.check.this_year.rate == pytest.approx(per_year(gain, 298))
    assert raised(strand, Flag.BELOW_PREVIOUS_RATE) is below


@pytest.mark.parametrize("last_year_judgements", [0, 1])
async def test_without_a_measurable_last_year_the_rate_is_not_flagged_and_says_so(
    runtime: Runtime, last_year_judgements: int
) -> None:
    tracker = await Tracker.build(runtime)
    pupil = await tracker.pupil()
    if last_year_judgements:
        await tracker.judge(pupil, "ENG", "2022/23", 6, 9, date(2023, 7, 10))
    await tracker.progress(pupil, "ENG", "2023/24", 0)
    strand = await flags_of(tracker, pupil)
    assert not raised(strand, Flag.BELOW_PREVIOUS_RATE)
    assert strand.verdicts[Flag.BELOW_PREVIOUS_RATE].unmeasured is Unmeasured.NO_PREVIOUS_YEAR


# --- (c) not closing and (d) widening the gap -------------------------------------------


@pytest.mark.parametrize(
    ("start", "now", "not_closing", "widening"),
    [
        (6, 10, True, False),  # behind by 4, then by 4: not closing, not widening
        (6, 9, True, True),  # behind by 4, then by 5
        (6, 11, False, False),  # behind by 4, then by 3: closing
        (12, 16, False, False),  # ahead by 2 throughout
        (13, 15, False, False),  # ahead by 3, then by 1: no gap to widen
        (12, 13, True, True),  # ahead by 2, then behind by 1
    ],
)
async def test_the_gap_to_peers_of_the_same_age_at_the_start_and_now(
    runtime: Runtime, start: int, now: int, not_closing: bool, widening: bool
) -> None:
    tracker = await Tracker.build(runtime)
    await peers(tracker, [4] * 10, baseline=10)  # medians: 10 at the start, 14 now
    await peers(tracker, [0], baseline=30, born=date(2009, 3, 1))  # another age band
    pupil = await judged(tracker, start, now)
    strand = await flags_of(tracker, pupil)
    assert strand.check.peer_values.learners == 10
    assert (strand.check.gap_start, strand.check.gap_now) == (10 - start, 14 - now)
    assert raised(strand, Flag.GAP_NOT_CLOSING) is not_closing
    assert raised(strand, Flag.GAP_WIDENING) is widening


@pytest.mark.parametrize(("min_peers", "flagged"), [(9, True), (10, False)])
async def test_the_gap_needs_min_peers_peers_with_a_start_this_year(
    runtime: Runtime, min_peers: int, flagged: bool
) -> None:
    tracker = await Tracker.build(runtime)
    await peers(tracker, [4] * 9, baseline=10)
    without_start = await tracker.pupil()  # judged now, but no start this year: not a peer
    await tracker.judge(without_start, "ENG", "2023/24", 6, 14, date(2024, 7, 10))
    pupil = await judged(tracker, 6, 9)
    strand = await flags_of(tracker, pupil, min_peers=min_peers)
    assert strand.check.peer_values.learners == 9
    assert raised(strand, Flag.GAP_NOT_CLOSING) is flagged
    assert raised(strand, Flag.GAP_WIDENING) is flagged
    expected = None if flagged else Unmeasured.TOO_FEW_PEERS
    assert strand.verdicts[Flag.GAP_WIDENING].unmeasured is expected


async def test_a_pupil_with_no_start_this_year_has_no_rate_and_no_gap_at_the_start(
    runtime: Runtime,
) -> None:
    tracker = await Tracker.build(runtime)
    await peers(tracker, [4] * 10, baseline=10)
    pupil = await tracker.pupil()
    await tracker.judge(pupil, "ENG", "2023/24", 6, 3, date(2024, 7, 10))
    strand = await flags_of(tracker, pupil)
    assert strand.check.flags == frozenset()
    assert strand.verdicts[Flag.SLOWER_THAN_PEERS].unmeasured is Unmeasured.NO_RATE
    assert strand.verdicts[Flag.BELOW_PREVIOUS_RATE].unmeasured is Unmeasured.NO_RATE
    assert strand.verdicts[Flag.GAP_NOT_CLOSING].unmeasured is Unmeasured.NO_START
    assert strand.check.gap_now == 11


# --- the rules in SQL agree with domain.flags, and with percentiles counted in Python ----


def _p25(values: list[float]) -> float:
    """percentile_cont(0.25): linear interpolation between closest ranks."""
    ordered = sorted(values)
    position = 0.25 * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


async def test_sql_flags_agree_with_the_domain_rules_and_peer_statistics_on_varied_data(
    runtime: Runtime,
) -> None:
    tracker = await Tracker.build(runtime)
    rng = random.Random(6017)
    for _ in range(45):
        pupil = await tracker.pupil(born=date(2010, 1, 1) + timedelta(days=rng.randint(0, 1100)))
        if rng.random() < 0.8:
            start = rng.randint(1, 12)
            await tracker.judge(
                pupil, "ENG", "2022/23", 1, start, date(2022, 9, rng.randint(5, 30)), BASELINE
            )
            await tracker.judge(
                pupil, "ENG", "2022/23", 6, start + rng.randint(0, 5), date(2023, 7, 10)
            )
        start = rng.randint(1, 12)
        if rng.random() < 0.9:
            await tracker.judge(
                pupil, "ENG", "2023/24", 1, start, date(2023, 9, rng.randint(5, 30)), BASELINE
            )
        now = max(1, start + rng.randint(-1, 6))
        await tracker.judge(pupil, "ENG", "2023/24", 6, now, date(2024, 7, 1))
    settings = FlagSettings(min_peers=3, tolerance=0.5)
    async with runtime.system_uow() as uow:
        checks = await uow.progress.flag_checks(
            FlagQuery(POINT, (tracker.school.id,), (tracker.school.id,), settings)
        )
    assert len(checks) == 45
    for check in checks:
        judged_here = verdicts(check, settings)
        assert check.flags == {f for f, v in judged_here.items() if v.flagged}, check
        _assert_peer_statistics(check, checks)
    raised_somewhere = {f for c in checks for f in c.flags}
    assert raised_somewhere == set(Flag), "the data should raise every flag somewhere"


def _assert_peer_statistics(check: FlagCheck, checks: list[FlagCheck]) -> None:
    others = [c for c in checks if c.pupil_id != check.pupil_id]
    band = check.grouping
    rates = [
        c.this_year.rate
        for c in others
        if c.this_year.rate is not None
        and (c.grouping.start_band, c.grouping.age_band) == (band.start_band, band.age_band)
    ]
    if band.start_band is None:
        assert check.peer_rates.learners == 0
        rates = []
    assert check.peer_rates.learners == len(rates)
    if rates:
        assert check.peer_rates.p25 == pytest.approx(_p25(rates))
        assert check.peer_rates.p50 == pytest.approx(statistics.median(rates))
    started = [
        c for c in others if c.this_year.start is not None and c.grouping.age_band == band.age_band
    ]
    assert check.peer_values.learners == len(started)
    if started:
        starts = [c.this_year.start.value for c in started if c.this_year.start is not None]
        assert check.peer_values.median_start == pytest.approx(statistics.median(starts))
        nows = [c.this_year.end.value for c in started]
        assert check.peer_values.median_now == pytest.approx(statistics.median(nows))


async def test_percentiles_read_off_a_groups_array_equal_percentile_cont_of_the_other_peers(
    runtime: Runtime,
) -> None:
    """The work-list does not sort each pupil's peers again; this is the proof it need not."""
    sql = text(
        f"""SELECT rp.learners, rp.p25, rp.p50,
               (SELECT count(*) FROM unnest(g.others) v),
               (SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY v) FROM unnest(g.others) v),
               (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) FROM unnest(g.others) v)
        FROM (SELECT CAST(:group AS float8[]) AS everyone, CAST(:rank AS bigint) AS own,
                     CAST(:others AS float8[]) AS others) g
        {peer_percentiles("rp", "g.everyone", "g.own", p25=0.25, p50=0.5)}"""  # noqa: S608
    )
    rng = random.Random(25)
    async with runtime.database.engine.connect() as connection:
        for _ in range(300):
            group = sorted(
                rng.choice([float(rng.randint(0, 6)), rng.uniform(-2, 9)])
                for _ in range(rng.randint(0, 14))
            )
            own = rng.randint(1, len(group)) if group and rng.random() < 0.8 else None
            others = [v for i, v in enumerate(group, start=1) if i != own]
            row = (
                await connection.execute(sql, {"group": group, "rank": own, "others": others})
            ).one()
            learners, p25, p50, expected_learners, expected_p25, expected_p50 = row
            assert (learners, p25, p50) == (expected_learners, expected_p25, expected_p50), (
                group,
                own,
            )


# --- over REST: the work-list, one pupil, pools, scope and bad input ---------------------


def at_point(**params: Any) -> dict[str, Any]:
    return {"academic_year": "2023/24", "module": 6, **params}


async def get(client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
async def school(runtime: Runtime) -> Tracker:
    """Ten pupils making 3 steps this year (2 last year), one making none, one making 2
    steps after 5 last year, and one archived pupil making none."""
    tracker = await Tracker.build(runtime)
    for pupil in await peers(tracker, [3] * 10):
        await tracker.progress(pupil, "ENG", "2022/23", 2)
    await peers(tracker, [0])
    slower_than_last_year = await tracker.pupil()
    await tracker.progress(slower_than_last_year, "ENG", "2022/23", 5)
    await tracker.progress(slower_than_last_year, "ENG", "2023/24", 2)
    [archived] = await peers(tracker, [0])
    await pupils.archive_pupil(runtime.system_uow(), SYSTEM, archived.id, None)
    return tracker


async def test_the_work_list_holds_pupils_with_a_flag_each_flagged_strand_with_evidence(
    client: httpx.AsyncClient, runtime: Runtime, school: Tracker
) -> None:
    headers = await school.headers(Role.TEACHER)
    body = await get(client, WORKLIST, headers, **at_point(school_id=str(school.school.id)))
    assert (body["pool"], body["min_peers"], body["tolerance"]) == ("school", 10, 0.0)
    assert body["previous_year"] == "2022/23"
    assert body["counts"]["pupils_checked"] == 12  # the archived pupil is not checked
    assert body["counts"]["pupil_strands_checked"] == 12
    listed = {p["pupil_id"]: p for p in body["pupils"]}
    assert len(listed) == body["counts"]["pupils_flagged"] == 2
    assert body["counts"]["slower_than_peers"] == {"pupils": 2, "pupil_strands": 2}
    assert body["counts"]["below_previous_rate"] == {"pupils": 1, "pupil_strands": 1}
    for pupil in listed.values():
        [strand] = pupil["strands"]
        assert strand["strand_id"] == str(school.strand("ENG"))
        assert "slower_than_peers" in strand["raised"]
        slower = strand["flags"]["slower_than_peers"]
        assert slower["flagged"] is True
        # peers: ten at 3 steps, the other flagged pupil, and the archived one
        assert slower["peers"] == 12
        assert slower["peers_p25"] == pytest.approx(per_year(3), abs=1e-4)
        assert strand["grouping"]["model"] == "Three a year v1"
    previous = [
        s["flags"]["below_previous_rate"]
        for p in listed.values()
        for s in p["strands"]
        if "below_previous_rate" in s["raised"]
    ]
    assert previous == [
        {
            "flagged": True,
            "unmeasured": None,
            "rate": pytest.approx(per_year(2), abs=1e-4),
            "previous_rate": pytest.approx(per_year(5, 298), abs=1e-4),
            "tolerance": 0.0,
        }
    ]
    assert "Tested" not in str(body), "the work-list names no pupil"


async def test_a_flag_narrows_the_list_but_not_the_counts(
    client: httpx.AsyncClient, runtime: Runtime, school: Tracker
) -> None:
    headers = await school.headers(Role.SCHOOL_ADMIN)
    body = await get(
        client,
        WORKLIST,
        headers,
        **at_point(school_id=str(school.school.id), flag="below_previous_rate"),
    )
    [pupil] = body["pupils"]
    assert [s["raised"] for s in pupil["strands"]] == [list(Flag)]
    assert body["counts"]["pupils_flagged"] == 2
    other_strand = await get(
        client,
        WORKLIST,
        headers,
        **at_point(school_id=str(school.school.id), strand_id=str(school.strand("MAT"))),
    )
    assert other_strand["pupils"] == []
    assert other_strand["counts"]["pupil_strands_checked"] == 0


async def test_a_pupils_flags_cover_every_strand_flagged_or_not(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    school = await Tracker.build(runtime)
    headers = await school.headers(Role.TEACHER)
    pupil = await school.pupil()
    await school.progress(pupil, "ENG", "2023/24", 3)
    await school.progress(pupil, "MAT", "2023/24", 3)
    body = await get(client, f"/api/v1/pupils/{pupil.id}/flags", headers, **at_point())
    assert (body["pupil_id"], body["academic_year"], body["module"]) == (
        str(pupil.id),
        "2023/24",
        6,
    )
    strands = {s["strand_id"]: s for s in body["strands"]}
    assert set(strands) == {str(school.strand("ENG")), str(school.strand("MAT"))}
    eng = strands[str(school.strand("ENG"))]
    assert eng["raised"] == []
    assert eng["this_year"]["rate"] == pytest.approx(per_year(3), abs=1e-4)
    assert eng["last_year"] is None
    assert eng["flags"]["below_previous_rate"]["unmeasured"] == "no_previous_year"
    mat = strands[str(school.strand("MAT"))]
    assert mat["flags"]["slower_than_peers"] == {
        "flagged": False,
        "unmeasured": "too_few_peers",
        "rate": pytest.approx(per_year(3), abs=1e-4),
        "peers": 0,
        "peers_p25": None,
        "peers_p50": None,
    }
    latest = await get(client, f"/api/v1/pupils/{pupil.id}/flags", headers)
    assert (latest["academic_year"], latest["module"]) == ("2023/24", 6)


async def test_a_trust_pool_takes_peers_from_the_trusts_other_schools_the_caller_sees(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    home = await Tracker.build(runtime, shared=True)
    away = await home.sibling()
    await peers(home, [3] * 5)
    await peers(away, [3] * 5)
    [slow_away] = await peers(away, [0])
    [slow_home] = await peers(home, [0])
    trust_admin = await home.headers(Role.TRUST_ADMIN)
    query = at_point(school_id=str(home.school.id))

    by_school = await get(client, WORKLIST, trust_admin, **query)
    assert by_school["pupils"] == []  # five peers in the school: too few

    by_trust = await get(client, WORKLIST, trust_admin, **query, pool="trust")
    [listed] = by_trust["pupils"]
    assert (listed["pupil_id"], listed["school_id"]) == (str(slow_home.id), str(home.school.id))
    slower = listed["strands"][0]["flags"]["slower_than_peers"]
    assert (slower["flagged"], slower["peers"]) == (True, 11)  # ten at 3 steps, one away at 0

    whole_trust = await get(
        client, WORKLIST, trust_admin, **at_point(trust_id=str(home.trust.id), pool="trust")
    )
    assert {p["pupil_id"] for p in whole_trust["pupils"]} == {str(slow_home.id), str(slow_away.id)}

    # a school admin at home sees only home: the trust pool is the trust's schools they see
    admin = await home.headers(Role.SCHOOL_ADMIN)
    response = await client.get(WORKLIST, params={**query, "pool": "trust"}, headers=admin)
    assert response.status_code == 200
    assert response.json()["pupils"] == []
    assert str(away.school.id) not in response.text
    pupil = await get(client, f"/api/v1/pupils/{slow_home.id}/flags", admin, **at_point())
    assert pupil["strands"][0]["flags"]["slower_than_peers"]["peers"] == 5


async def test_a_trust_analyst_gets_pupil_ids_and_no_names(
    client: httpx.AsyncClient, runtime: Runtime, school: Tracker
) -> None:
    analyst = await school.headers(Role.TRUST_ANALYST)
    body = await get(client, WORKLIST, analyst, **at_point(trust_id=str(school.trust.id)))
    assert len(body["pupils"]) == 2
    assert all(set(p) == {"pupil_id", "school_id", "strands"} for p in body["pupils"])
    assert "Tested" not in str(body)
    assert "Pupil" not in str(body)


async def test_intruders_get_refused_or_nothing_of_the_schools_data(
    client: httpx.AsyncClient, runtime: Runtime, school: Tracker
) -> None:
    stranger = await Tracker.build(runtime)
    other_trust = await stranger.headers(Role.TRUST_ADMIN)
    neighbour = await school.sibling()
    other_school = await neighbour.headers(Role.SCHOOL_ADMIN)
    flagged = await get(
        client,
        WORKLIST,
        await school.headers(Role.SCHOOL_ADMIN),
        **at_point(school_id=str(school.school.id)),
    )
    pupil_id = flagged["pupils"][0]["pupil_id"]
    for headers in (other_trust, other_school):
        for scope in ({"school_id": str(school.school.id)}, {"trust_id": str(school.trust.id)}):
            response = await client.get(WORKLIST, params=at_point(**scope), headers=headers)
            if headers is other_school and "trust_id" in scope:
                # their own trust: answered for the schools they see, none of them this one
                assert response.status_code == 200
            else:
                assert_problem(response, 403)
            assert pupil_id not in response.text
            assert str(school.school.id) not in response.text
        everything = await client.get(WORKLIST, params=at_point(pool="trust"), headers=headers)
        assert everything.status_code == 200
        assert pupil_id not in everything.text
        assert str(school.school.id) not in everything.text
        response = await client.get(
            f"/api/v1/pupils/{pupil_id}/flags", params=at_point(), headers=headers
        )
        assert_problem(response, 404)
        assert pupil_id not in response.text.replace(f"/api/v1/pupils/{pupil_id}/flags", "")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_peers": "0"}, "min_peers"),
        ({"min_peers": "1001"}, "min_peers"),
        ({"min_peers": "ten"}, "min_peers"),
        ({"tolerance": "-0.5"}, "tolerance"),
        ({"tolerance": "nan"}, "tolerance"),
        ({"tolerance": "inf"}, "tolerance"),
        ({"pool": "district"}, "pool"),
        ({"flag": "naughty"}, "flag"),
        ({"academic_year": "2023/25"}, "academic_year"),
        ({"academic_year": "2023-24"}, "academic_year"),
        ({"module": "0"}, "module"),
        ({"module": "six"}, "module"),
        ({"school_id": "not-a-uuid"}, "school_id"),
        ({"trust_id": "1"}, "trust_id"),
        ({"strand_id": "x"}, "strand_id"),
    ],
)
async def test_bad_work_list_parameters_are_refused_naming_the_field(
    client: httpx.AsyncClient,
    runtime: Runtime,
    school: Tracker,
    params: dict[str, str],
    field: str,
) -> None:
    headers = await school.headers(Role.TEACHER)
    response = await client.get(WORKLIST, params=at_point(**params), headers=headers)
    assert_problem(response, 422, field)


async def test_a_work_list_needs_its_assessment_point(
    client: httpx.AsyncClient, runtime: Runtime, school: Tracker
) -> None:
    headers = await school.headers(Role.TEACHER)
    response = await client.get(WORKLIST, params={"module": 6}, headers=headers)
    assert_problem(response, 422, "academic_year")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"academic_year": "2023/24"}, "module"),
        ({"module": "6"}, "academic_year"),
        ({"academic_year": "2023/25", "module": "6"}, "academic_year"),
        ({"min_peers": "0"}, "min_peers"),
        ({"tolerance": "-1"}, "tolerance"),
        ({"pool": "county"}, "pool"),
    ],
)
async def test_bad_pupil_flag_parameters_are_refused_naming_the_field(
    client: httpx.AsyncClient,
    runtime: Runtime,
    school: Tracker,
    params: dict[str, str],
    field: str,
) -> None:
    headers = await school.headers(Role.TEACHER)
    pupil = await school.pupil()
    response = await client.get(f"/api/v1/pupils/{pupil.id}/flags", params=params, headers=headers)
    assert_problem(response, 422, field)
    not_an_id = await client.get("/api/v1/pupils/123/flags", headers=headers)
    assert_problem(not_an_id, 422, "pupil_id")


async def test_the_work_list_refuses_bad_settings_naming_every_field_at_once(
    client: httpx.AsyncClient, runtime: Runtime, school: Tracker
) -> None:
    headers = await school.headers(Role.TEACHER)
    response = await client.get(
        WORKLIST, params=at_point(min_peers="0", tolerance="-1"), headers=headers
    )
    assert_problem(response, 422)
    assert [e["field"] for e in response.json()["errors"]] == ["min_peers", "tolerance"]


async def test_flags_need_the_read_analytics_permission(
    client: httpx.AsyncClient, runtime: Runtime, school: Tracker
) -> None:
    issued = await identity.create_client(
        runtime.system_uow(),
        Principal.system(),
        identity.CreateClient(
            "Roster only",
            frozenset({Permission.READ_ROSTER}),
            school_ids=frozenset({school.school.id}),
        ),
        runtime.hasher,
    )
    token = runtime.tokens.issue(issued.client.client_id, "client", "integration")
    headers = {"Authorization": f"Bearer {token}"}
    pupil = await school.pupil()
    worklist = await client.get(
        WORKLIST, params=at_point(school_id=str(school.school.id)), headers=headers
    )
    assert_problem(worklist, 403)
    assert_problem(
        await client.get(f"/api/v1/pupils/{pupil.id}/flags", params=at_point(), headers=headers),
        403,
    )


async def test_a_module_nobody_was_judged_at_gives_an_empty_work_list(
    client: httpx.AsyncClient, runtime: Runtime, school: Tracker
) -> None:
    headers = await school.headers(Role.SCHOOL_ADMIN)
    body = await get(
        client,
        WORKLIST,
        headers,
        academic_year="2030/31",
        module=1,
        school_id=str(school.school.id),
    )
    assert body["pupils"] == []
    assert body["counts"]["pupils_checked"] == 0
    assert body["counts"]["gap_widening"] == {"pupils": 0, "pupil_strands": 0}
