"""A pupil's report for the annual review and the parents' report.

Seed 003's annual review "outlines achievement, progress and targets" and its report to
parents details "what pupils can do; their progress towards targets set and what is
currently being worked on". This is that report as data: per strand where the pupil
started (baseline), where they are now, the target for the year and the band the
progress engine gives, with the step judged at each module for a chart; the EHCP / IEP
outcome targets with their termly evaluations; and the next steps.

Everything here is read from the existing use cases (progress facts, targets, target
progress, outcome targets, flags), so the report can never disagree with the API.
"""

import enum
import uuid
from dataclasses import dataclass, replace
from datetime import date

from domain.analytics.flags import Flag
from domain.analytics.progress import AssessmentPoint, Band
from domain.assessment.framework import Framework, Step
from domain.privacy.pupil_view import PupilView
from domain.targets.target import OutcomeEvaluation, OutcomeTarget, TargetStatus, Term
from domain.targets.target_progress import TrackStatus

TERM_ORDER = {Term.AUTUMN: 0, Term.SPRING: 1, Term.SUMMER: 2}


@dataclass(frozen=True, slots=True)
class StepShown:
    """A step on the strand's scale, as a reader sees it."""

    step_id: uuid.UUID
    code: str
    label: str
    value: float

    @classmethod
    def of(cls, step: Step) -> "StepShown":
        return cls(step.id, step.code, step.label or step.code, step.value)


@dataclass(frozen=True, slots=True)
class ModuleShown:
    """A module of the report's year that has ended: the chart's x axis."""

    sequence: int
    name: str
    ends_on: date


@dataclass(frozen=True, slots=True)
class ModuleStep:
    """The step judged at one module (at its moderated step), None if not judged then."""

    sequence: int
    step: StepShown | None


@dataclass(frozen=True, slots=True)
class StrandReport:
    """One strand: baseline, current step, target and band, as at `as_at` (the last module
    of the year the strand was judged at, so a strand missed at the final module still
    shows where the pupil got to)."""

    strand_id: uuid.UUID
    strand_code: str
    strand_name: str
    framework_id: uuid.UUID
    as_at: AssessmentPoint | None
    baseline: StepShown | None
    baseline_on: date | None
    current: StepShown | None
    current_on: date | None
    gain: float | None
    expected_gain: float | None
    band: Band
    model: str | None
    target: StepShown | None
    target_status: TargetStatus | None
    tracking: TrackStatus | None  # on track / behind..., as at `as_at` (else the report's)
    series: tuple[ModuleStep, ...]
    flags: tuple[Flag, ...]  # CoP 6.17 flags raised as at `as_at`

    @property
    def unmodelled(self) -> bool:
        """Progress was measured, but no expected-progress model covers the pupil on this
        scale, so there is no band: "not compared" rather than "too early to say"."""
        measured = self.gain is not None and self.expected_gain is None
        return self.band is Band.INSUFFICIENT_DATA and measured


class NextStepKind(enum.StrEnum):
    STRAND = "strand"
    OUTCOME = "outcome"


@dataclass(frozen=True, slots=True)
class NextStep:
    """What the pupil works on next: a step on a strand (towards its target, when the target
    is not yet reached) or an open outcome target."""

    kind: NextStepKind
    strand_id: uuid.UUID | None = None
    strand_name: str | None = None
    step: StepShown | None = None
    towards: StepShown | None = None
    beyond_target: bool = False  # this year's target is already reached
    outcome_id: uuid.UUID | None = None
    area: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class OutcomeReport:
    """An outcome target and its evaluations in the report's year, autumn to summer.

    `text_withheld`: the caller sees pupils pseudonymised, and an outcome's wording and its
    evaluations' notes are free text that names the pupil ("Sam will..."), so they are
    blanked here, before any adapter could show them."""

    outcome: OutcomeTarget
    evaluations: tuple[OutcomeEvaluation, ...]
    text_withheld: bool = False

    @classmethod
    def of(cls, outcome: OutcomeTarget, academic_year: str, pseudonymised: bool) -> "OutcomeReport":
        evaluations = evaluations_in(outcome, academic_year)
        if not pseudonymised:
            return cls(outcome, evaluations)
        blanked = replace(outcome, text="", evaluations=[])
        return cls(blanked, tuple(replace(e, note="") for e in evaluations), text_withheld=True)


@dataclass(frozen=True, slots=True)
class PupilReport:
    pupil: PupilView
    school_name: str
    academic_year: str
    point: AssessmentPoint | None  # the year's last module that has ended; None: none yet
    modules: tuple[ModuleShown, ...]
    strands: tuple[StrandReport, ...]
    outcomes: tuple[OutcomeReport, ...]
    next_steps: tuple[NextStep, ...]

    @property
    def name(self) -> str:
        """The pupil's name, or their pseudonym for a pseudonymised caller."""
        if self.pupil.forename is None or self.pupil.surname is None:
            return self.pupil.pseudonym or str(self.pupil.id)
        return f"{self.pupil.forename} {self.pupil.surname}"

    @property
    def first_name(self) -> str:
        return self.pupil.forename or self.name


def step_after(framework: Framework, current: StepShown) -> Step | None:
    """The next step up the scale, None at the top (steps are kept in value order)."""
    return next((s for s in framework.steps if s.value > current.value), None)


def strand_next_step(framework: Framework, strand: StrandReport) -> NextStep | None:
    """The step after the current one; `towards` names the target while it is still ahead.
    No next step for a strand not judged this year, or already at the top of the scale."""
    if strand.current is None:
        return None
    following = step_after(framework, strand.current)
    if following is None:
        return None
    target = strand.target
    ahead = target is not None and target.value > strand.current.value
    return NextStep(
        NextStepKind.STRAND,
        strand_id=strand.strand_id,
        strand_name=strand.strand_name,
        step=StepShown.of(following),
        towards=target if ahead else None,
        beyond_target=target is not None and not ahead,
    )


def outcome_next_step(report: OutcomeReport) -> NextStep:
    o = report.outcome
    text = None if report.text_withheld else o.text
    return NextStep(NextStepKind.OUTCOME, outcome_id=o.id, area=o.area, text=text)


def evaluations_in(outcome: OutcomeTarget, academic_year: str) -> tuple[OutcomeEvaluation, ...]:
    return tuple(
        sorted(
            (e for e in outcome.evaluations if e.academic_year.label == academic_year),
            key=lambda e: TERM_ORDER[e.term],
        )
    )
