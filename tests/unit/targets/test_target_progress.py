"""The on-track rule for scale targets, at and just past each boundary."""

import math
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.targets.target_progress import TrackingRules, TrackStatus, track_status

RULES = TrackingRules()  # far behind below half the gain needed, after a third of the year
JUST = 1e-6


def status(
    current: float | None,
    projected: float | None,
    elapsed: float | None = 0.5,
    start: float | None = 2.0,
    target: float = 10.0,
    rules: TrackingRules = RULES,
) -> TrackStatus:
    return track_status(start, current, target, projected, elapsed, rules)


def test_a_target_is_met_exactly_at_its_value_whatever_the_projection() -> None:
    assert status(current=10, projected=None) is TrackStatus.MET
    assert status(current=11, projected=3) is TrackStatus.MET
    assert status(current=10 - JUST, projected=10) is TrackStatus.ON_TRACK


def test_on_track_starts_exactly_where_the_projection_reaches_the_target() -> None:
    assert status(current=6, projected=10) is TrackStatus.ON_TRACK
    assert status(current=6, projected=10 - 1e-12) is TrackStatus.ON_TRACK  # float slack
    assert status(current=6, projected=10 - JUST) is TrackStatus.BEHIND


def test_too_challenging_is_suggested_only_below_the_far_behind_ratio() -> None:
    # start 2, target 10: the target needs 8; half of it is a projected gain of 4 (value 6)
    assert status(current=4, projected=6) is TrackStatus.BEHIND
    assert status(current=4, projected=6 - JUST) is TrackStatus.TOO_CHALLENGING_SUGGESTED
    assert status(current=4, projected=6 + JUST) is TrackStatus.BEHIND
    quarter = TrackingRules(far_behind_ratio=0.25)
    assert status(current=4, projected=6 - JUST, rules=quarter) is TrackStatus.BEHIND
    assert status(current=3, projected=4 - JUST, rules=quarter) is (
        TrackStatus.TOO_CHALLENGING_SUGGESTED
    )


def test_too_challenging_waits_until_min_elapsed_fraction_of_the_year_has_passed() -> None:
    far = partial(status, current=3.0, projected=4.0)
    assert far(elapsed=1 / 3) is TrackStatus.TOO_CHALLENGING_SUGGESTED
    assert far(elapsed=96 / 288) is TrackStatus.TOO_CHALLENGING_SUGGESTED
    assert far(elapsed=1 / 3 - JUST) is TrackStatus.BEHIND
    assert far(elapsed=0.0) is TrackStatus.BEHIND
    assert far(elapsed=None) is TrackStatus.BEHIND
    never_wait = TrackingRules(min_elapsed_fraction=0)
    assert far(elapsed=0.0, rules=never_wait) is TrackStatus.TOO_CHALLENGING_SUGGESTED


def test_without_a_judgement_or_a_rate_there_is_no_verdict() -> None:
    assert status(current=None, projected=None, start=None) is TrackStatus.NOT_JUDGED
    assert status(current=4, projected=None) is TrackStatus.INSUFFICIENT_DATA


def test_a_target_below_the_start_is_never_called_too_challenging() -> None:
    # start 5, target 4, now 3: behind, but the target needed no gain at all
    assert status(current=3, projected=2, start=5, target=4) is TrackStatus.BEHIND


@given(
    start=st.integers(0, 30),
    current=st.integers(0, 40),
    target=st.integers(1, 40),
    projected=st.floats(-10, 80, allow_nan=False),
    elapsed=st.floats(0, 1),
)
def test_statuses_are_ordered_by_the_projection(
    start: int, current: int, target: int, projected: float, elapsed: float
) -> None:
    """Raising the projection never moves a target to a worse status."""
    worse_to_better = [
        TrackStatus.TOO_CHALLENGING_SUGGESTED,
        TrackStatus.BEHIND,
        TrackStatus.ON_TRACK,
        TrackStatus.MET,
    ]
    lower = track_status(start, current, target, projected, elapsed, RULES)
    higher = track_status(start, current, target, projected + 1, elapsed, RULES)
    assert worse_to_better.index(lower) <= worse_to_better.index(higher)


@pytest.mark.parametrize(
    ("rules", "fields"),
    [
        (TrackingRules(far_behind_ratio=0), ["far_behind_ratio"]),
        (TrackingRules(far_behind_ratio=1.01), ["far_behind_ratio"]),
        (TrackingRules(far_behind_ratio=math.nan), ["far_behind_ratio"]),
        (TrackingRules(min_elapsed_fraction=-0.01), ["min_elapsed_fraction"]),
        (TrackingRules(min_elapsed_fraction=math.inf), ["min_elapsed_fraction"]),
        (TrackingRules(0, 2), ["far_behind_ratio", "min_elapsed_fraction"]),
        (TrackingRules(1, 0), []),
        (TrackingRules(1, 1), []),
    ],
)
def test_the_rules_are_checked_naming_each_field(rules: TrackingRules, fields: list[str]) -> None:
    assert [p.field for p in rules.problems()] == fields
