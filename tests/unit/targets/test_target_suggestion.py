"""Suggested targets: rounding down to a real step, the percentiles offered, and reasons."""

import uuid
from datetime import date

import pytest

from domain.assessment.framework import Step
from domain.targets.target_suggestion import (
    NoSuggestion,
    ReferenceUsed,
    TargetSuggestion,
    percentile_problems,
    round_down_to_step,
)

#: an uneven scale, as schools' small steps often are
SCALE = [
    Step(uuid.uuid4(), code, code, value)
    for code, value in (("P4", 0.4), ("P6", 0.6), ("E1", 1.0), ("E1+", 1.5), ("E2", 2.0))
]


@pytest.mark.parametrize(
    ("bound", "code"),
    [
        (0.4, "P4"),
        (0.59, "P4"),  # never rounds up to the nearer step
        (0.6, "P6"),
        (1.4999999999999, "E1+"),  # a hair under from floating point: the engine's slack
        (1.49, "E1"),
        (7.0, "E2"),  # above the scale: its top step
    ],
)
def test_the_suggestion_is_the_highest_step_at_or_below_start_plus_gain(
    bound: float, code: str
) -> None:
    step = round_down_to_step(SCALE, bound)
    assert step is not None
    assert step.code == code


def test_below_the_lowest_step_there_is_no_suggestion() -> None:
    assert round_down_to_step(SCALE, 0.39) is None


@pytest.mark.parametrize(("percentile", "ok"), [(50, True), (75, True), (25, False), (90, False)])
def test_targets_are_suggested_from_the_50th_or_75th_percentile(percentile: int, ok: bool) -> None:
    problems = percentile_problems(percentile)
    assert (problems == []) is ok
    assert all(p.field == "percentile" for p in problems)


def suggestion(why: NoSuggestion | None, learners: int = 3) -> TargetSuggestion:
    return TargetSuggestion(
        pupil_id=uuid.uuid4(),
        school_id=uuid.uuid4(),
        strand_id=uuid.uuid4(),
        framework_id=uuid.uuid4(),
        percentile=50,
        start_step_id=uuid.uuid4(),
        start_value=4.0,
        start_on=date(2024, 7, 10),
        model_id=uuid.uuid4(),
        model_label="Similar learners v3",
        min_peers=5,
        reference=ReferenceUsed(0, 0, "", learners, 2.0),
        suggested_step_id=None,
        suggested_value=None,
        no_suggestion=why,
        current_target_id=None,
        current_target_status=None,
    )


def test_each_missing_suggestion_says_why_in_words() -> None:
    assert suggestion(NoSuggestion.TOO_FEW_PEERS).reason == (
        "too few similar learners: 3, where Similar learners v3 needs 5"
    )
    assert suggestion(NoSuggestion.NO_START).reason.startswith("no judgement")
    assert "Similar learners v3" in suggestion(NoSuggestion.NO_REFERENCE_CELL).reason
    assert "lowest step" in suggestion(NoSuggestion.BELOW_SCALE).reason
    assert suggestion(None).reason == ""
