"""The pupil report (annual review / parents' report), composed from the existing use cases.

Nothing is computed twice: the figures are what GET /pupils/{id}/progress, /targets,
/pupils/{id}/targets/progress, /outcome-targets and /pupils/{id}/flags answer for the same
pupil, so each use case's permission and scope checks apply as they are (read roster and
read analytics; another school's pupil is "not found"; analysts see the pupil through a
pseudonym, exactly as GET /pupils/{id} shows them).

Which figures:
  year        `academic_year`, else the year of the school's latest module that has ended
              (else the year today is in).
  modules     the year's modules that have ended, in order; the report is as at the last
              of them (`point`). A year with none ended yet gives a report with no steps.
  per strand  every strand the pupil was judged on in those modules, or has a target on
              this year. Its figures (baseline, current step, gain, band, model) are the
              progress engine's at the last module the strand was judged at; its series is
              the step judged at each module (None where not judged).
  target      the strand's current target for the year (active, met or too challenging;
              revised and withdrawn ones are history), with its tracking status (and the
              strand's CoP 6.17 flags) as at the same module as its figures; a strand not
              judged this year is tracked at `point`.
  outcomes    outcome targets set by the year's end that were still open, evaluated in the
              year or due in or after it; evaluations shown are the year's, autumn first.
              For pseudonymised callers (trust analysts) their wording and notes are
              withheld: free text names the pupil.
  next steps  for each strand judged this year, the next step up its scale after the
              current one (naming the target while it is still ahead; none at the top of
              the scale), then every outcome target still active.
"""

import uuid
from dataclasses import dataclass

from domain.analytics import flag_service as flags_service
from domain.analytics import progress_service
from domain.analytics.flags import Flag
from domain.analytics.progress import AssessmentPoint, Band, ProgressFact
from domain.assessment import framework_service as frameworks_service
from domain.assessment import module_service as modules_service
from domain.assessment.framework import Framework, Strand
from domain.assessment.ports import FrameworkFilter, ModuleFilter
from domain.kernel.access import Principal
from domain.kernel.calendar import AcademicYear, Module
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.paging import every_page
from domain.organisation import organisation_service
from domain.privacy.pupil_view import Pseudonymiser
from domain.pupils import pupil_service as pupils_service
from domain.reports.pupil_report import (
    ModuleShown,
    ModuleStep,
    NextStep,
    OutcomeReport,
    PupilReport,
    StepShown,
    StrandReport,
    outcome_next_step,
    strand_next_step,
)
from domain.targets import outcome_target_service as outcomes_service
from domain.targets import target_progress_service
from domain.targets import target_service as targets_service
from domain.targets.ports import OutcomeTargetFilter, TargetFilter
from domain.targets.target import CURRENT_STATUSES, OutcomeStatus, OutcomeTarget, Target
from domain.targets.target_progress import TrackStatus
from domain.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class PupilReportRequest:
    pupil_id: uuid.UUID
    academic_year: str | None = None


def _year_of(modules: list[Module], asked: str | None, clock: Clock) -> AcademicYear:
    if asked is not None:
        return AcademicYear.parse(asked)
    ended = [m for m in modules if m.ends_on <= clock.today()]
    if ended:
        return max(ended, key=lambda m: m.ends_on).academic_year
    return AcademicYear.containing(clock.today())


def _relevant(outcome: OutcomeTarget, year: AcademicYear) -> bool:
    """Set by the year's end, and open, evaluated in the year, or due in or after it."""
    if outcome.set_on > year.ends_on:
        return False
    return (
        outcome.status is OutcomeStatus.ACTIVE
        or any(e.academic_year == year for e in outcome.evaluations)
        or (outcome.due_on is not None and outcome.due_on >= year.starts_on)
    )


@dataclass(frozen=True, slots=True)
class _Scales:
    """The frameworks the pupil's school can use, to name strands and steps."""

    frameworks: list[Framework]

    def strand(self, strand_id: uuid.UUID) -> tuple[Framework, Strand] | None:
        for framework in self.frameworks:
            if (strand := framework.strand(strand_id)) is not None:
                return framework, strand
        return None

    def step(self, framework: Framework, step_id: uuid.UUID | None) -> StepShown | None:
        step = None if step_id is None else framework.step(step_id)
        return None if step is None else StepShown.of(step)


def _strand_report(
    framework: Framework,
    strand: Strand,
    scales: _Scales,
    by_module: list[tuple[Module, dict[uuid.UUID, ProgressFact]]],
    target: Target | None,
    tracking: TrackStatus | None,
    flags: frozenset[Flag],
) -> StrandReport:
    judged = [(m, facts[strand.id]) for m, facts in by_module if strand.id in facts]
    module, fact = judged[-1] if judged else (None, None)
    series = tuple(
        ModuleStep(
            m.sequence,
            scales.step(framework, facts[strand.id].latest_step_id) if strand.id in facts else None,
        )
        for m, facts in by_module
    )
    return StrandReport(
        strand_id=strand.id,
        strand_code=strand.code,
        strand_name=strand.name,
        framework_id=framework.id,
        as_at=None
        if module is None
        else AssessmentPoint(module.academic_year.label, module.sequence),
        baseline=None if fact is None else scales.step(framework, fact.baseline_step_id),
        baseline_on=None if fact is None else fact.baseline_on,
        current=None if fact is None else scales.step(framework, fact.latest_step_id),
        current_on=None if fact is None else fact.latest_on,
        gain=None if fact is None else fact.gain,
        expected_gain=None if fact is None else fact.expected_gain,
        band=Band.INSUFFICIENT_DATA if fact is None else fact.band,
        model=None if fact is None else fact.model_label,
        target=None if target is None else scales.step(framework, target.step_id),
        target_status=None if target is None else target.status,
        tracking=tracking,
        series=series,
        flags=tuple(f for f in Flag if f in flags),
    )


async def _tracking_and_flags(
    uow: UnitOfWork,
    actor: Principal,
    pupil_id: uuid.UUID,
    point: AssessmentPoint | None,
    by_module: list[tuple[Module, dict[uuid.UUID, ProgressFact]]],
    clock: Clock,
) -> tuple[dict[uuid.UUID, TrackStatus], dict[uuid.UUID, frozenset[Flag]]]:
    """Per strand, its target's tracking status and the flags raised, each as at the last
    module the strand was judged at (the report's point for a strand not judged this year),
    so a target reached at module 4 is not "not judged" at module 6."""
    if point is None:
        return {}, {}
    last_judged = {s: m.sequence for m, facts in by_module for s in facts}
    tracking: dict[uuid.UUID, TrackStatus] = {}
    raised: dict[uuid.UUID, frozenset[Flag]] = {}
    for sequence in sorted({*last_judged.values(), point.sequence}):
        at = AssessmentPoint(point.academic_year, sequence)
        tracked = await target_progress_service.pupil_target_progress(
            uow, actor, pupil_id, at, clock=clock
        )
        for t in tracked.targets.items:
            if last_judged.get(t.strand_id, point.sequence) == sequence:
                tracking[t.strand_id] = t.status
        if sequence not in last_judged.values():
            continue
        flagged = await flags_service.pupil_flags(uow, actor, pupil_id, at, clock=clock)
        for checked in flagged.pupil.strands:
            if last_judged.get(checked.check.strand_id) == sequence:
                raised[checked.check.strand_id] = checked.check.flags
    return tracking, raised


async def pupil_report(
    uow: UnitOfWork,
    actor: Principal,
    request: PupilReportRequest,
    pseudonymiser: Pseudonymiser,
    clock: Clock = SYSTEM_CLOCK,
) -> PupilReport:
    """The pupil's report for a year (see the module docstring for what it holds)."""
    if request.academic_year is not None:
        AcademicYear.parse(request.academic_year)
    pupil = await pupils_service.get_pupil(
        uow, actor, request.pupil_id, pseudonymiser, include_deleted=True
    )
    school = await organisation_service.get_school(uow, actor, pupil.school_id)
    every_module = await every_page(
        lambda page: modules_service.list_modules(
            uow, actor, ModuleFilter(school_id=pupil.school_id), page
        )
    )
    year = _year_of(every_module, request.academic_year, clock)
    ended = sorted(
        (m for m in every_module if m.academic_year == year and m.ends_on <= clock.today()),
        key=lambda m: m.sequence,
    )
    point = AssessmentPoint(year.label, ended[-1].sequence) if ended else None

    by_module: list[tuple[Module, dict[uuid.UUID, ProgressFact]]] = []
    for module in ended:
        at = AssessmentPoint(year.label, module.sequence)
        _, facts = await progress_service.pupil_progress(uow, actor, pupil.id, at, clock)
        by_module.append((module, {f.strand_id: f for f in facts}))

    targets = [
        t
        for t in await every_page(
            lambda page: targets_service.list_targets(
                uow, actor, TargetFilter(pupil_id=pupil.id, academic_year=year), page
            )
        )
        if t.status in CURRENT_STATUSES
    ]
    tracking, raised = await _tracking_and_flags(uow, actor, pupil.id, point, by_module, clock)

    scales = _Scales(
        await every_page(
            lambda page: frameworks_service.list_frameworks(
                uow, actor, FrameworkFilter(school_id=pupil.school_id), page
            )
        )
    )
    target_of = {t.strand_id: t for t in targets}
    strand_ids = {s for _, facts in by_module for s in facts} | set(target_of)
    named = [found for s in strand_ids if (found := scales.strand(s)) is not None]
    named.sort(key=lambda fs: (fs[0].name, fs[1].position))
    strands = tuple(
        _strand_report(
            framework,
            strand,
            scales,
            by_module,
            target_of.get(strand.id),
            tracking.get(strand.id) if strand.id in target_of else None,
            raised.get(strand.id, frozenset()),
        )
        for framework, strand in named
    )

    outcomes = tuple(
        OutcomeReport.of(o, year.label, actor.pseudonymised)
        for o in sorted(
            await every_page(
                lambda page: outcomes_service.list_outcome_targets(
                    uow, actor, OutcomeTargetFilter(pupil_id=pupil.id), page
                )
            ),
            key=lambda o: (o.set_on, o.area),
        )
        if _relevant(o, year)
    )

    next_steps: list[NextStep] = []
    for (framework, _), strand_report in zip(named, strands, strict=True):
        if (step := strand_next_step(framework, strand_report)) is not None:
            next_steps.append(step)
    next_steps += [
        outcome_next_step(o) for o in outcomes if o.outcome.status is OutcomeStatus.ACTIVE
    ]
    return PupilReport(
        pupil=pupil,
        school_name=school.name,
        academic_year=year.label,
        point=point,
        modules=tuple(ModuleShown(m.sequence, m.name, m.ends_on) for m in ended),
        strands=strands,
        outcomes=outcomes,
        next_steps=tuple(next_steps),
    )
