"""Teacher judgements for the demo pupils, window by window.

A pupil is judged in each window (module or 6-weekly point) that has ended and in
which they were on roll for at least ten days: a baseline in the first window
after joining (again after re-joining the PRU), a checkpoint in each one after,
and an exit judgement in the window they leave. Each strand moves 0-2 steps per
window at the pupil's own rate; a few pupils stall or slip back.

The judgements are built as domain entities and checked with `Judgement.problems`,
so thousands can go in with one executemany. Moderation (termly, a sample) and the
odd correction go through the entity's own methods, leaving the revision rows a
use case would have kept.
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from cli.demo.names import MODERATORS, TEACHERS
from cli.demo.plans import Pattern, PupilPlan, Track
from cli.demo.register import year_group_in
from cli.demo.scales import Scale
from cli.demo.schools import RIVERSIDE
from domain.assessment.framework import Framework, Strand
from domain.assessment.judgement import Judgement, JudgementKind, JudgementRevision, ModerationState
from domain.kernel.calendar import Module
from domain.kernel.ids import new_id
from domain.pupils.pupil import Enrolment, Pupil

SYSTEM = "system"  # Principal.system().subject: the operator who loaded the demo

#: Where each strand sits relative to the pupil's overall starting step.
STRAND_OFFSETS = {"WRIT": -2, "SPEAK": 1, "LIST": 2, "MATHS": -1, "PSPD": 2}
STRAND_OFFSETS |= {"ECT": -2, "PHYS": 1, "PSEW": 1}

NOTES = {
    Scale.SMALL_STEPS: [
        "Needed adult prompting to get started",
        "Generalising the skill in other lessons",
        "Working 1:1 with a TA on this strand",
        "Evidence in the learning journal",
        "Absent for part of the module",
    ],
    Scale.BROOK: [
        "Responding more consistently to the switch",
        "Tolerating hand-under-hand support",
        "Unsettled after a change of medication",
        "Physio programme adjusted this half-term",
        "Good anticipation during sensory story",
    ],
    Scale.ENGAGEMENT: [
        "Observed across three sessions",
        "Linked to the EHCP communication outcome",
        "Video evidence on the pupil's record",
    ],
    Scale.FUNCTIONAL_SKILLS: [
        "Teacher assessment from classwork",
        "ForSkills retest",
        "Attendance below 50% this point",
    ],
}
CORRECTION_REASONS = [
    "Entered against the wrong strand; corrected by the class teacher",
    "Typing error in the step; corrected after checking the evidence",
    "Re-judged after the phase leader reviewed the evidence folder",
]


@dataclass(frozen=True, slots=True)
class Occasion:
    """A window in which the pupil is judged, and how."""

    module: Module
    kind: JudgementKind
    assessed_on: date
    rejoined: bool  # the first window of a later enrolment


@dataclass(frozen=True, slots=True)
class Point:
    occasion: Occasion
    index: int  # the step index the pupil was really at


@dataclass(frozen=True, slots=True)
class Trajectory:
    """One pupil's path along one strand."""

    plan: PupilPlan
    pupil: Pupil
    track: Track
    framework: Framework
    strand: Strand
    points: list[Point]


@dataclass(slots=True)
class Marking:
    judgements: list[Judgement] = field(default_factory=list)
    revisions: list[tuple[uuid.UUID, JudgementRevision]] = field(default_factory=list)


def _days_on_roll(enrolment: Enrolment, module: Module) -> int:
    first = max(enrolment.joined_on, module.starts_on)
    last = min(enrolment.left_on or module.ends_on, module.ends_on)
    return (last - first).days + 1


def occasions(
    enrolments: list[Enrolment], modules: list[Module], today: date, termly: bool
) -> list[Occasion]:
    """The windows a pupil is judged in, with the kind and date of each judgement."""
    ended = [m for m in modules if m.ends_on <= today and (not termly or m.sequence in (2, 4, 6))]
    found = []
    for n, enrolment in enumerate(sorted(enrolments, key=lambda e: e.joined_on)):
        mine = [m for m in ended if _days_on_roll(enrolment, m) >= 10]
        for i, module in enumerate(mine):
            kind, day = JudgementKind.CHECKPOINT, module.ends_on
            if i == 0:
                kind = JudgementKind.BASELINE
                if enrolment.joined_on >= module.starts_on:  # after an initial assessment period
                    settled = enrolment.joined_on + timedelta(days=14)
                    day = min(module.ends_on, settled, enrolment.left_on or settled)
            elif enrolment.left_on is not None and i == len(mine) - 1:
                kind, day = JudgementKind.EXIT, min(module.ends_on, enrolment.left_on)
            found.append(Occasion(module, kind, day, rejoined=i == 0 and n > 0))
    return found


def _delta(rng: random.Random, rate: float, pattern: Pattern) -> int:
    """Steps moved in one window: 0, 1 or 2 around `rate`; -1 now and then when regressing."""
    if pattern is Pattern.REGRESSING:
        if rng.random() < 0.3:
            return -1
        rate *= 0.4
    elif pattern is Pattern.STALLED:
        rate *= 0.15
    whole = int(rate)
    steps = whole + (1 if rng.random() < rate - whole else 0)
    if pattern is Pattern.STEADY and rng.random() < 0.08:
        steps += rng.choice((-1, 1))
    return max(0, min(2, steps))


def trajectories(
    rng: random.Random,
    enrolled: list[tuple[PupilPlan, Pupil]],
    modules: dict[str, list[Module]],
    frameworks: dict[Scale, Framework],
    today: date,
) -> list[Trajectory]:
    """Every pupil's path on every strand of every framework they are judged on."""
    found = []
    for plan, pupil in enrolled:
        for track in plan.tracks:
            framework = frameworks[track.scale]
            windows = occasions(plan.enrolments, modules[plan.school.key], today, track.termly)
            top = len(framework.steps) - 1
            for strand in framework.strands:
                index = track.start + STRAND_OFFSETS.get(strand.code, 0) + rng.randint(-1, 1)
                index = max(0, min(top, index))
                points = []
                for i, occasion in enumerate(windows):
                    if occasion.rejoined:  # time out of education can cost a step
                        index = max(0, index - (1 if rng.random() < 0.3 else 0))
                    elif i:
                        index = max(0, min(top, index + _delta(rng, track.rate, plan.pattern)))
                    points.append(Point(occasion, index))
                if points:
                    found.append(Trajectory(plan, pupil, track, framework, strand, points))
    return found


def at(day: date, now: datetime, hour: int = 16, minute: int = 0) -> datetime:
    """A time of day on `day`, never later than now."""
    return min(now, datetime.combine(day, time(hour, minute), tzinfo=UTC))


class Marker:
    """Turns trajectories into judgements, as the teachers and moderators would record them."""

    def __init__(self, rng: random.Random, today: date, now: datetime) -> None:
        self.rng = rng
        self.today = today
        self.now = now

    def mark(self, paths: list[Trajectory]) -> Marking:
        marking = Marking()
        for path in paths:
            for point in path.points:
                judgement = self._judgement(path, point)
                if point.occasion.kind is JudgementKind.CHECKPOINT and self.rng.random() < 0.003:
                    self._correct(path, point, judgement, marking)
                elif self._sampled(path, point.occasion.module):
                    self._moderate(path, point, judgement, marking)
                if problems := judgement.problems(self.today):
                    raise RuntimeError(f"demo judgement breaks the rules: {problems}")
                marking.judgements.append(judgement)
        return marking

    def _judgement(self, path: Trajectory, point: Point) -> Judgement:
        rng, occasion = self.rng, point.occasion
        recorded = occasion.assessed_on + timedelta(days=rng.randint(0, 4))
        return Judgement(
            id=new_id(),
            school_id=path.pupil.school_id,
            pupil_id=path.pupil.id,
            strand_id=path.strand.id,
            module_id=occasion.module.id,
            step_id=path.framework.steps[point.index].id,
            kind=occasion.kind,
            assessed_on=occasion.assessed_on,
            assessor=self._assessor(path, occasion.module),
            recorded_by=SYSTEM,
            recorded_at=at(recorded, self.now, 15, rng.randint(0, 59)),
            note=self._note(path, occasion),
            evidence=self._evidence(path, occasion),
        )

    def _assessor(self, path: Trajectory, module: Module) -> str:
        school = path.plan.school.key
        teachers = TEACHERS[school]
        if school == RIVERSIDE.key:
            return teachers[0] if path.strand.code == "ENG" else teachers[1]
        group = year_group_in(path.plan.date_of_birth, module.academic_year)
        return teachers[(group // 2) % len(teachers)]

    def _note(self, path: Trajectory, occasion: Occasion) -> str:
        functional = path.track.scale is Scale.FUNCTIONAL_SKILLS
        if occasion.kind is JudgementKind.BASELINE:
            if functional:
                return "ForSkills initial assessment"
            joined = path.plan.enrolments[0].joined_on >= occasion.module.starts_on
            return "Baseline from transition records and observation" if joined else ""
        if occasion.kind is JudgementKind.EXIT:
            return "Exit retest (ForSkills)" if functional else "Final judgement before leaving"
        return self.rng.choice(NOTES[path.track.scale]) if self.rng.random() < 0.08 else ""

    def _evidence(self, path: Trajectory, occasion: Occasion) -> list[str]:
        school = path.plan.school
        if school is RIVERSIDE or self.rng.random() >= 0.12:
            return []
        module = occasion.module
        where = f"{module.academic_year.start_year}-m{module.sequence}/{path.strand.code.lower()}"
        return [f"{school.evidence_base}/{path.plan.mis_id}/{where}"]

    def _sampled(self, path: Trajectory, module: Module) -> bool:
        """Moderation samples a share of each term's judgements (the PRU's twice a year)."""
        if path.track.scale is Scale.ENGAGEMENT:
            return False
        if module.ends_on + timedelta(days=14) > self.today:
            return False
        if path.plan.school is RIVERSIDE:
            return module.sequence in (3, 6) and self.rng.random() < 0.12
        return module.sequence in (2, 4, 6) and self.rng.random() < 0.15

    def _moderate(
        self, path: Trajectory, point: Point, judgement: Judgement, marking: Marking
    ) -> None:
        rng, steps = self.rng, path.framework.steps
        moderated_on = point.occasion.module.ends_on + timedelta(days=10)
        adjusted = max(0, min(len(steps) - 1, point.index + rng.choice((-1, -1, 1))))
        state = ModerationState.AGREED
        if rng.random() < 0.15 and adjusted != point.index:
            state = ModerationState.ADJUSTED
        when = at(moderated_on, self.now)
        revision = judgement.snapshot(SYSTEM, when, f"moderation: {state.value}")
        moderator = rng.choice(MODERATORS[path.plan.school.key])
        step_id = steps[adjusted].id if state is ModerationState.ADJUSTED else None
        judgement.moderate(state, step_id, moderator, moderated_on)
        marking.revisions.append((judgement.school_id, revision))

    def _correct(
        self, path: Trajectory, point: Point, judgement: Judgement, marking: Marking
    ) -> None:
        """The teacher first entered a neighbouring step, then corrected it."""
        steps = path.framework.steps
        wrong = point.index + 1 if point.index + 1 < len(steps) else point.index - 1
        judgement.step_id = steps[wrong].id
        when = at(judgement.recorded_at.date() + timedelta(days=2), self.now, 9)
        reason = self.rng.choice(CORRECTION_REASONS)
        revision = judgement.snapshot(SYSTEM, when, reason)
        judgement.correct(
            step_id=steps[point.index].id,
            kind=None,
            assessed_on=None,
            assessor=None,
            note=None,
            evidence=None,
        )
        marking.revisions.append((judgement.school_id, revision))
