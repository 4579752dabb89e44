"""Outcome targets with termly evaluations, and leavers' destinations, against the fakes."""

import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest

from domain.kernel.errors import Conflict, InvariantViolation, NotFound, StaleVersion
from domain.kernel.paging import PageRequest
from domain.outcomes import destination_service as destinations
from domain.outcomes.destination import DestinationCategory
from domain.outcomes.ports import DestinationFilter
from domain.pupils import pupil_service as pupils
from domain.targets import outcome_target_service as outcomes
from domain.targets.target import OutcomeRating, OutcomeSource, OutcomeTarget, Term
from tests.unit.world import YEAR, World


async def outcome(w: World) -> OutcomeTarget:
    cmd = outcomes.SetOutcomeTarget(
        w.pupil.id,
        OutcomeSource.EHCP,
        " Communication ",
        "Requests help with a symbol card in 4 of 5 sessions",
        set_on=date(2023, 9, 20),
    )
    return await outcomes.set_outcome_target(w.uow(w.teacher), w.teacher, cmd, w.clock)


def evaluate(made: OutcomeTarget, term: Term, on: date | None = None) -> outcomes.EvaluateOutcome:
    return outcomes.EvaluateOutcome(made.id, YEAR, term, OutcomeRating.PARTLY_MET, evaluated_on=on)


async def test_evaluate_outcome_records_one_evaluation_per_term(w: World) -> None:
    made = await outcome(w)
    assert made.area == "Communication"
    evaluated = await outcomes.evaluate_outcome(
        w.uow(w.teacher), w.teacher, evaluate(made, Term.AUTUMN, date(2023, 12, 15)), w.clock
    )
    assert evaluated.version == 2
    with pytest.raises(Conflict) as caught:
        await outcomes.evaluate_outcome(
            w.uow(w.teacher), w.teacher, evaluate(made, Term.AUTUMN), w.clock
        )
    assert caught.value.field == "term"
    spring = await outcomes.evaluate_outcome(
        w.uow(w.teacher), w.teacher, evaluate(made, Term.SPRING), w.clock
    )
    assert [(e.term, e.evaluated_on, e.evaluated_by) for e in spring.evaluations] == [
        (Term.AUTUMN, date(2023, 12, 15), "Tom Teacher"),
        (Term.SPRING, w.clock.today(), "Tom Teacher"),
    ]
    stored = await outcomes.get_outcome_target(w.uow(w.teacher), w.teacher, made.id)
    assert stored == spring


async def test_evaluate_outcome_before_it_was_set_is_refused(w: World) -> None:
    made = await outcome(w)
    with pytest.raises(InvariantViolation) as caught:
        await outcomes.evaluate_outcome(
            w.uow(w.teacher), w.teacher, evaluate(made, Term.AUTUMN, date(2023, 9, 1)), w.clock
        )
    assert [p.field for p in caught.value.problems] == ["evaluated_on"]
    stored = await outcomes.get_outcome_target(w.uow(w.teacher), w.teacher, made.id)
    assert stored.evaluations == []


async def test_outcomes_of_another_school_are_not_found(w: World) -> None:
    made = await outcome(w)
    sister_teacher = w.school_role(w.teacher.role, w.sister_school)
    with pytest.raises(NotFound):
        await outcomes.evaluate_outcome(
            w.uow(sister_teacher), sister_teacher, evaluate(made, Term.AUTUMN), w.clock
        )


def leaver(w: World, left_on: date, **overrides: object) -> destinations.RecordDestination:
    fields: dict[str, object] = {
        "pupil_id": w.pupil.id,
        "left_on": left_on,
        "category": DestinationCategory.FE_COLLEGE,
        "provider": " Riverside College ",
    }
    fields.update(overrides)
    return destinations.RecordDestination(**fields)  # type: ignore[arg-type]


async def test_record_destination_stores_it_with_the_pupils_year_group(w: World) -> None:
    made = await destinations.record_destination(
        w.uow(w.school_admin), w.school_admin, leaver(w, date(2024, 7, 19))
    )
    assert (made.year_group_at_leaving, made.provider, made.eet) == ("7", "Riverside College", True)
    found = await destinations.list_destinations(
        w.uow(w.school_admin), w.school_admin, DestinationFilter(), PageRequest()
    )
    assert found.items == [made]


async def test_record_destination_refuses_leaving_before_the_pupil_first_joined(w: World) -> None:
    with pytest.raises(InvariantViolation) as caught:
        await destinations.record_destination(
            w.uow(w.school_admin), w.school_admin, leaver(w, date(2022, 8, 31))
        )
    assert [p.field for p in caught.value.problems] == ["left_on"]
    found = await destinations.list_destinations(
        w.uow(w.school_admin), w.school_admin, DestinationFilter(), PageRequest()
    )
    assert found.items == []


async def test_record_destination_for_a_pupil_outside_the_scope_is_an_unknown_pupil(
    w: World,
) -> None:
    for pupil_id in (w.sister_pupil.id, uuid.uuid4()):
        with pytest.raises(InvariantViolation) as caught:
            await destinations.record_destination(
                w.uow(w.school_admin),
                w.school_admin,
                leaver(w, date(2024, 7, 19), pupil_id=pupil_id),
            )
        assert [(p.field, p.reason) for p in caught.value.problems] == [
            ("pupil_id", "no such pupil")
        ]


async def test_unknown_destination_has_no_eet_value(w: World) -> None:
    made = await destinations.record_destination(
        w.uow(w.school_admin),
        w.school_admin,
        leaver(
            w, date(2024, 7, 19), category=DestinationCategory.UNKNOWN, year_group_at_leaving="11"
        ),
    )
    assert (made.eet, made.year_group_at_leaving) == (None, "11")


async def test_an_evaluation_dated_in_the_future_is_refused(w: World) -> None:
    made = await outcome(w)
    tomorrow = w.clock.today() + timedelta(days=1)
    with pytest.raises(InvariantViolation) as caught:
        await outcomes.evaluate_outcome(
            w.uow(w.teacher), w.teacher, evaluate(made, Term.SUMMER, tomorrow), w.clock
        )
    assert [p.code for p in caught.value.problems] == ["date.future"]


async def test_a_destination_can_be_recorded_for_an_archived_leaver(w: World) -> None:
    await pupils.archive_pupil(w.uow(w.school_admin), w.school_admin, w.pupil.id, None, w.clock)
    made = await destinations.record_destination(
        w.uow(w.school_admin), w.school_admin, leaver(w, date(2024, 7, 19))
    )
    assert made.pupil_id == w.pupil.id


async def test_an_evaluation_against_a_stale_version_is_refused(w: World) -> None:
    made = await outcome(w)
    await outcomes.evaluate_outcome(
        w.uow(w.teacher), w.teacher, evaluate(made, Term.AUTUMN), w.clock
    )
    stale = replace(evaluate(made, Term.SPRING), expected_version=made.version)
    with pytest.raises(StaleVersion):
        await outcomes.evaluate_outcome(w.uow(w.teacher), w.teacher, stale, w.clock)
