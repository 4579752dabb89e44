"""Scale targets (statuses, revision) and outcome targets (termly evaluations)."""

import uuid
from datetime import UTC, date, datetime

import pytest

from domain.kernel.calendar import AcademicYear
from domain.kernel.errors import Conflict, InvariantViolation
from domain.targets.target import (
    TRANSITIONS,
    OutcomeEvaluation,
    OutcomeRating,
    OutcomeSource,
    OutcomeTarget,
    Target,
    TargetStatus,
    Term,
)

YEAR = AcademicYear(2023)
NOW = datetime(2024, 3, 15, 10, 30, tzinfo=UTC)
STEP, HIGHER_STEP = uuid.uuid4(), uuid.uuid4()

ALLOWED = [(a, b) for a, targets in TRANSITIONS.items() for b in targets]
REFUSED = [(a, b) for a in TargetStatus for b in TargetStatus if b not in TRANSITIONS[a]]


def target(status: TargetStatus = TargetStatus.ACTIVE) -> Target:
    return Target(
        id=uuid.uuid4(),
        school_id=uuid.uuid4(),
        pupil_id=uuid.uuid4(),
        strand_id=uuid.uuid4(),
        academic_year=YEAR,
        step_id=STEP,
        set_on=date(2023, 9, 20),
        set_by="teacher-1",
        status=status,
    )


def test_the_transition_table_is_what_teachers_were_promised() -> None:
    assert set(ALLOWED) == {
        (TargetStatus.ACTIVE, TargetStatus.MET),
        (TargetStatus.ACTIVE, TargetStatus.TOO_CHALLENGING),
        (TargetStatus.ACTIVE, TargetStatus.WITHDRAWN),
        (TargetStatus.TOO_CHALLENGING, TargetStatus.ACTIVE),
        (TargetStatus.TOO_CHALLENGING, TargetStatus.WITHDRAWN),
        (TargetStatus.MET, TargetStatus.ACTIVE),
        (TargetStatus.WITHDRAWN, TargetStatus.ACTIVE),
    }


@pytest.mark.parametrize(("start", "end"), ALLOWED)
def test_allowed_status_changes_apply_and_are_recorded(
    start: TargetStatus, end: TargetStatus
) -> None:
    t = target(start)
    entry = t.change_status(end, "review meeting", "teacher-2", NOW)
    assert t.status is end
    assert t.version == 2
    assert t.history == [entry]
    assert (entry.status, entry.step_id, entry.changed_by, entry.reason) == (
        end,
        STEP,
        "teacher-2",
        "review meeting",
    )


@pytest.mark.parametrize(("start", "end"), REFUSED)
def test_refused_status_changes_are_a_conflict_and_change_nothing(
    start: TargetStatus, end: TargetStatus
) -> None:
    t = target(start)
    with pytest.raises(Conflict) as caught:
        t.change_status(end, "", "teacher-2", NOW)
    assert caught.value.field == "status"
    assert (t.status, t.version, t.history) == (start, 1, [])


def test_revise_supersedes_the_target_and_records_history_on_both() -> None:
    old = target()
    new_id = uuid.uuid4()
    new = old.revise(new_id, HIGHER_STEP, "too easy", "teacher-2", NOW)
    assert old.status is TargetStatus.REVISED
    assert old.version == 2
    assert (new.id, new.status, new.step_id, new.supersedes_id) == (
        new_id,
        TargetStatus.ACTIVE,
        HIGHER_STEP,
        old.id,
    )
    assert (new.pupil_id, new.strand_id, new.academic_year) == (
        old.pupil_id,
        old.strand_id,
        old.academic_year,
    )
    assert (new.set_on, new.set_by, new.rationale) == (NOW.date(), "teacher-2", "too easy")
    assert [(h.status, h.step_id, h.reason) for h in old.history] == [
        (TargetStatus.REVISED, STEP, "too easy")
    ]
    assert [(h.status, h.step_id, h.reason) for h in new.history] == [
        (TargetStatus.ACTIVE, HIGHER_STEP, "too easy")
    ]


def test_a_too_challenging_target_can_be_revised_down() -> None:
    old = target(TargetStatus.TOO_CHALLENGING)
    new = old.revise(uuid.uuid4(), STEP, "too hard", "teacher-2", NOW)
    assert old.status is TargetStatus.REVISED
    assert new.status is TargetStatus.ACTIVE


def test_revise_without_a_reason_is_refused_and_changes_nothing() -> None:
    old = target()
    with pytest.raises(InvariantViolation) as caught:
        old.revise(uuid.uuid4(), HIGHER_STEP, "  ", "teacher-2", NOW)
    assert [p.field for p in caught.value.problems] == ["reason"]
    assert (old.status, old.version, old.history) == (TargetStatus.ACTIVE, 1, [])


@pytest.mark.parametrize("status", [TargetStatus.REVISED, TargetStatus.WITHDRAWN])
def test_revised_or_withdrawn_targets_cannot_be_revised(status: TargetStatus) -> None:
    old = target(status)
    with pytest.raises(Conflict):
        old.revise(uuid.uuid4(), HIGHER_STEP, "again", "teacher-2", NOW)
    assert old.status is status


def test_a_revised_target_cannot_be_revised_again() -> None:
    old = target()
    old.revise(uuid.uuid4(), HIGHER_STEP, "too easy", "teacher-2", NOW)
    with pytest.raises(Conflict) as caught:
        old.revise(uuid.uuid4(), STEP, "changed my mind", "teacher-2", NOW)
    assert caught.value.field == "status"


def test_target_rationale_is_limited_to_4000_characters() -> None:
    t = target()
    t.rationale = "r" * 4001
    assert [p.field for p in t.problems()] == ["rationale"]


# --- outcome targets ---------------------------------------------------------------------


def outcome() -> OutcomeTarget:
    return OutcomeTarget(
        id=uuid.uuid4(),
        school_id=uuid.uuid4(),
        pupil_id=uuid.uuid4(),
        source=OutcomeSource.EHCP,
        area="Communication and interaction",
        text="Will request help using a communication board in 4 of 5 sessions.",
        set_on=date(2023, 9, 20),
    )


def evaluation(term: Term, on: date, year: AcademicYear = YEAR) -> OutcomeEvaluation:
    return OutcomeEvaluation(uuid.uuid4(), year, term, OutcomeRating.PARTLY_MET, on, "teacher-1")


def test_an_outcome_is_evaluated_once_per_term() -> None:
    o = outcome()
    o.evaluate(evaluation(Term.AUTUMN, date(2023, 12, 15)))
    with pytest.raises(Conflict) as caught:
        o.evaluate(evaluation(Term.AUTUMN, date(2023, 12, 18)))
    assert caught.value.field == "term"
    assert len(o.evaluations) == 1
    assert o.version == 2


def test_the_same_term_of_another_year_and_another_term_may_be_evaluated() -> None:
    o = outcome()
    o.evaluate(evaluation(Term.AUTUMN, date(2023, 12, 15)))
    o.evaluate(evaluation(Term.SPRING, date(2024, 3, 15)))
    o.evaluate(evaluation(Term.AUTUMN, date(2024, 12, 13), AcademicYear(2024)))
    assert [(e.academic_year.label, e.term) for e in o.evaluations] == [
        ("2023/24", Term.AUTUMN),
        ("2023/24", Term.SPRING),
        ("2024/25", Term.AUTUMN),
    ]


def test_an_evaluation_before_the_outcome_was_set_is_refused() -> None:
    o = outcome()
    with pytest.raises(InvariantViolation) as caught:
        o.evaluate(evaluation(Term.AUTUMN, date(2023, 9, 19)))
    assert [p.field for p in caught.value.problems] == ["evaluated_on"]
    assert o.evaluations == []


def test_outcome_text_and_area_are_required_and_due_on_follows_set_on() -> None:
    o = outcome()
    o.text, o.area, o.due_on = " ", "", date(2023, 9, 19)
    assert [(p.field, p.code) for p in o.problems()] == [
        ("text", "blank"),
        ("area", "blank"),
        ("due_on", "date.order"),
    ]
