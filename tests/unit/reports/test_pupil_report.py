"""The pupil report's rules that need no database: next steps and what analysts may read."""

import uuid
from datetime import date

from domain.analytics.progress import Band
from domain.assessment.framework import Framework, Step, Strand
from domain.kernel.calendar import AcademicYear
from domain.kernel.ids import new_id
from domain.reports.pupil_report import (
    NextStepKind,
    OutcomeReport,
    StepShown,
    StrandReport,
    outcome_next_step,
    strand_next_step,
)
from domain.targets.target import (
    OutcomeEvaluation,
    OutcomeRating,
    OutcomeSource,
    OutcomeTarget,
    Term,
)

STEPS = [Step(new_id(), f"S{n}", f"Step {n}", float(n)) for n in (1, 2, 3)]
READING = Strand(new_id(), "READ", "Reading", 1)
SCALE = Framework(new_id(), "Small steps", [READING], list(STEPS), trust_id=new_id())


def strand(current: int | None, target: int | None) -> StrandReport:
    def shown(n: int | None) -> StepShown | None:
        return None if n is None else StepShown.of(STEPS[n - 1])

    return StrandReport(
        strand_id=READING.id,
        strand_code=READING.code,
        strand_name=READING.name,
        framework_id=SCALE.id,
        as_at=None,
        baseline=None,
        baseline_on=None,
        current=shown(current),
        current_on=None,
        gain=None,
        expected_gain=None,
        band=Band.INSUFFICIENT_DATA,
        model=None,
        target=shown(target),
        target_status=None,
        tracking=None,
        series=(),
        flags=(),
    )


def test_the_next_step_names_the_target_while_it_is_ahead_and_says_when_it_is_passed() -> None:
    ahead = strand_next_step(SCALE, strand(current=1, target=3))
    reached = strand_next_step(SCALE, strand(current=2, target=2))
    untargeted = strand_next_step(SCALE, strand(current=1, target=None))
    assert ahead is not None
    assert reached is not None
    assert untargeted is not None
    assert (ahead.step, ahead.towards, ahead.beyond_target) == (
        StepShown.of(STEPS[1]),
        StepShown.of(STEPS[2]),
        False,
    )
    assert (reached.step, reached.towards, reached.beyond_target) == (
        StepShown.of(STEPS[2]),
        None,
        True,
    )
    assert (untargeted.towards, untargeted.beyond_target) == (None, False)


def test_no_next_step_at_the_top_of_the_scale_or_before_a_first_judgement() -> None:
    assert strand_next_step(SCALE, strand(current=3, target=3)) is None
    assert strand_next_step(SCALE, strand(current=None, target=2)) is None


def _outcome() -> OutcomeTarget:
    outcome = OutcomeTarget(
        id=new_id(),
        school_id=uuid.uuid4(),
        pupil_id=uuid.uuid4(),
        source=OutcomeSource.EHCP,
        area="Communication",
        text="Sam will ask for help with a symbol card",
        set_on=date(2023, 9, 4),
    )
    for year, term, on in (
        (2023, Term.SPRING, date(2024, 3, 20)),
        (2022, Term.SUMMER, date(2023, 9, 5)),
        (2023, Term.AUTUMN, date(2023, 12, 12)),
    ):
        outcome.evaluations.append(
            OutcomeEvaluation(
                new_id(), AcademicYear(year), term, OutcomeRating.MET, on, "Ms T", "Sam did it"
            )
        )
    return outcome


def test_an_outcome_shows_the_years_evaluations_autumn_first() -> None:
    report = OutcomeReport.of(_outcome(), "2023/24", pseudonymised=False)
    assert [e.term for e in report.evaluations] == [Term.AUTUMN, Term.SPRING]
    assert outcome_next_step(report).text == "Sam will ask for help with a symbol card"


def test_for_a_pseudonymised_caller_an_outcomes_free_text_is_blanked_but_ratings_kept() -> None:
    original = _outcome()
    report = OutcomeReport.of(original, "2023/24", pseudonymised=True)
    assert report.text_withheld
    assert "Sam" not in report.outcome.text
    assert report.outcome.evaluations == []
    assert [(e.term, e.rating, e.note) for e in report.evaluations] == [
        (Term.AUTUMN, OutcomeRating.MET, ""),
        (Term.SPRING, OutcomeRating.MET, ""),
    ]
    step = outcome_next_step(report)
    assert (step.kind, step.area, step.text) == (NextStepKind.OUTCOME, "Communication", None)
    assert original.text.startswith("Sam")  # the stored target is untouched
