"""CoP 6.17 flags as pure rules: rates, ages, each flag at its boundary, and refused input."""

import math
import uuid
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.analytics.flags import (
    SLACK,
    Flag,
    FlagCheck,
    FlagQuery,
    FlagSettings,
    Grouping,
    Interval,
    PeerRates,
    PeerValues,
    StepOn,
    Unmeasured,
    Verdict,
    age_day,
    age_on,
    annualised,
    below_previous_rate,
    gap_not_closing,
    gap_widening,
    slower_than_peers,
    verdicts,
)
from domain.analytics.progress import AssessmentPoint
from domain.kernel.calendar import AcademicYear
from domain.kernel.errors import InvariantViolation, Problem

POINT = AssessmentPoint("2023/24", 6)
gaps = st.floats(min_value=-50, max_value=50, allow_nan=False)


def test_a_gain_is_annualised_by_days_on_roll() -> None:
    assert annualised(2, 365) == pytest.approx(2.0014, abs=1e-4)
    assert annualised(3, 1461) == 0.75  # four years
    assert annualised(-1, 730) == pytest.approx(-0.5, abs=1e-3)


@pytest.mark.parametrize("days", [0, -3, None])
def test_without_time_on_roll_there_is_no_rate(days: int | None) -> None:
    assert annualised(4, days) is None


def test_ages_are_taken_on_the_31_august_before_the_year() -> None:
    assert age_day(AcademicYear(2023)) == date(2023, 8, 31)
    assert age_on(date(2023, 8, 31), date(2011, 8, 31)) == 12
    assert age_on(date(2023, 8, 31), date(2011, 9, 1)) == 11
    assert age_on(date(2023, 8, 31), date(2012, 2, 29)) == 11


# --- (a) ------------------------------------------------------------------------------

TEN_PEERS = PeerRates(learners=10, p25=2.0, p50=3.0)


@pytest.mark.parametrize(
    ("rate", "flagged"),
    [
        (2.0, False),  # exactly at the peers' p25
        (2.0 - SLACK / 10, False),  # floating-point noise is not "below"
        (1.999999, True),  # just below
        (0.0, True),
        (2.5, False),
    ],
)
def test_slower_than_peers_means_below_their_p25(rate: float, flagged: bool) -> None:
    assert slower_than_peers(rate, TEN_PEERS, 10) == Verdict(flagged)


def test_slower_than_peers_needs_min_peers_peers_and_a_rate() -> None:
    assert slower_than_peers(0.0, TEN_PEERS, 10).flagged
    assert slower_than_peers(0.0, TEN_PEERS, 11) == Verdict(False, Unmeasured.TOO_FEW_PEERS)
    no_peers = PeerRates(0, None, None)
    assert slower_than_peers(0.0, no_peers, 1) == Verdict(False, Unmeasured.TOO_FEW_PEERS)
    assert slower_than_peers(None, TEN_PEERS, 10) == Verdict(False, Unmeasured.NO_RATE)


# --- (b) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "previous", "tolerance", "flagged"),
    [
        (3.0, 3.0, 0.0, False),  # equal
        (3.5, 3.0, 0.0, False),  # better
        (2.9, 3.0, 0.0, True),
        (2.5, 3.0, 0.5, False),  # exactly the tolerance below
        (2.4, 3.0, 0.5, True),  # more than the tolerance below
        (2.7, 3.0, 0.5, False),  # within the tolerance
    ],
)
def test_below_previous_rate_allows_the_tolerance(
    rate: float, previous: float, tolerance: float, flagged: bool
) -> None:
    assert below_previous_rate(rate, previous, tolerance) == Verdict(flagged)


def test_without_a_previous_rate_nothing_is_flagged_and_it_says_no_previous_year() -> None:
    assert below_previous_rate(0.0, None, 0.0) == Verdict(False, Unmeasured.NO_PREVIOUS_YEAR)
    assert below_previous_rate(None, 3.0, 0.0) == Verdict(False, Unmeasured.NO_RATE)


# --- (c) and (d) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gap_start", "gap_now", "not_closing", "widening"),
    [
        (4.0, 4.0, True, False),  # equal: not closing, not widening
        (4.0, 5.0, True, True),  # larger: both
        (4.0, 3.0, False, False),  # smaller: neither
        (0.0, 0.0, False, False),  # level with peers: nothing to close
        (-2.0, -2.0, False, False),  # ahead throughout
        (-3.0, -1.0, False, False),  # ahead, less so: no gap to widen
        (-2.0, 1.0, True, True),  # from ahead to behind
    ],
)
def test_the_gap_rules(gap_start: float, gap_now: float, not_closing: bool, widening: bool) -> None:
    assert gap_not_closing(gap_start, gap_now) is not_closing
    assert gap_widening(gap_start, gap_now) is widening


@given(gap_start=gaps, gap_now=gaps)
def test_a_pupil_level_with_or_ahead_of_peers_is_never_not_closing(
    gap_start: float, gap_now: float
) -> None:
    if gap_now <= 0:
        assert not gap_not_closing(gap_start, gap_now)


@given(gap_start=gaps, gap_now=gaps)
def test_a_gap_that_widens_while_behind_is_also_not_closing(
    gap_start: float, gap_now: float
) -> None:
    if gap_widening(gap_start, gap_now) and gap_now > SLACK:
        assert gap_not_closing(gap_start, gap_now)


def _check(
    start: float | None = 6.0,
    now: float = 9.0,
    rate: float | None = 1.0,
    last_rate: float | None = None,
    value_peers: PeerValues = PeerValues(10, 10.0, 14.0),
) -> FlagCheck:
    step = uuid.uuid4()
    return FlagCheck(
        pupil_id=uuid.uuid4(),
        school_id=uuid.uuid4(),
        strand_id=uuid.uuid4(),
        framework_id=uuid.uuid4(),
        this_year=Interval(
            start=StepOn(step, start, date(2023, 9, 15)) if start is not None else None,
            end=StepOn(step, now, date(2024, 7, 10)),
            days_on_roll=299,
            rate=rate,
        ),
        last_year=None
        if last_rate is None
        else Interval(None, StepOn(step, 1.0, date(2023, 7, 10)), 298, last_rate),
        grouping=Grouping(None, None, 3.0, 2, 2, 6),
        peer_rates=TEN_PEERS,
        peer_values=value_peers,
        flags=frozenset(),
    )


def test_every_flag_is_judged_independently_with_its_evidence() -> None:
    check = _check(rate=1.0, last_rate=1.5)
    assert (check.gap_start, check.gap_now) == (4.0, 5.0)
    assert verdicts(check, FlagSettings()) == {
        Flag.SLOWER_THAN_PEERS: Verdict(True),
        Flag.BELOW_PREVIOUS_RATE: Verdict(True),
        Flag.GAP_NOT_CLOSING: Verdict(True),
        Flag.GAP_WIDENING: Verdict(True),
    }
    within = verdicts(check, FlagSettings(tolerance=0.5))
    assert within[Flag.BELOW_PREVIOUS_RATE] == Verdict(False)


def test_gaps_need_the_pupils_start_and_min_peers_peers() -> None:
    no_start = verdicts(_check(start=None, rate=None), FlagSettings())
    assert no_start[Flag.GAP_NOT_CLOSING] == Verdict(False, Unmeasured.NO_START)
    assert no_start[Flag.GAP_WIDENING] == Verdict(False, Unmeasured.NO_START)
    few = verdicts(_check(), FlagSettings(min_peers=11))
    assert few[Flag.GAP_WIDENING] == Verdict(False, Unmeasured.TOO_FEW_PEERS)
    assert few[Flag.SLOWER_THAN_PEERS] == Verdict(False, Unmeasured.TOO_FEW_PEERS)
    none = verdicts(_check(value_peers=PeerValues(0, None, None)), FlagSettings(min_peers=1))
    assert none[Flag.GAP_NOT_CLOSING] == Verdict(False, Unmeasured.TOO_FEW_PEERS)


# --- settings and the use cases' refusals ----------------------------------------------


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (FlagSettings(min_peers=0), "min_peers"),
        (FlagSettings(min_peers=1001), "min_peers"),
        (FlagSettings(tolerance=-0.1), "tolerance"),
        (FlagSettings(tolerance=math.nan), "tolerance"),
        (FlagSettings(tolerance=math.inf), "tolerance"),
    ],
)
def test_settings_out_of_range_name_their_field(settings: FlagSettings, field: str) -> None:
    assert [p.field for p in settings.problems()] == [field]


def test_default_settings_are_a_school_pool_ten_peers_and_no_tolerance() -> None:
    settings = FlagSettings()
    assert (settings.pool.value, settings.min_peers, settings.tolerance) == ("school", 10, 0.0)
    assert settings.problems() == []


def test_a_query_knows_the_year_before() -> None:
    assert FlagQuery(POINT, (), ()).previous_year == "2022/23"
    assert FlagQuery(replace(POINT, academic_year="2000/01"), (), ()).previous_year == "1999/00"


def test_an_academic_year_is_refused_as_soon_as_the_point_is_made() -> None:
    with pytest.raises(InvariantViolation) as year:
        AssessmentPoint("2023/25", 6)
    assert year.value.problems[0] == Problem(
        "academic_year", "an academic year is written like 2023/24", "academic_year"
    )
