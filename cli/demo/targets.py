"""Scale targets: one per pupil, strand and year, set from the year's first judgement.

The target is where the pupil stood plus the steps their pathway is expected to
make by the summer (sometimes one more, as a challenge). Last year's targets
ended met, or stayed active when missed; some were raised when met early, marked
too challenging when progress stalled (a few then revised down), or withdrawn
when the pupil left. The histories come from the Target entity's own methods,
exactly as the use cases record them.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from cli.demo.calendar import last_day
from cli.demo.judgements import SYSTEM, Point, Trajectory, at
from cli.demo.plans import Pattern
from cli.demo.scales import Scale
from domain.kernel.calendar import AcademicYear
from domain.kernel.ids import new_id
from domain.targets.target import Target, TargetStatus

#: Steps per window a pathway is expected to make: the basis of every target.
EXPECTED_RATE = {"formal": 0.55, "semi-formal": 0.45, "pre-formal": 0.3}
EXPECTED_RATE |= {"Brook / PMLD": 0.25, "KS3 tuition": 0.4, "KS4 programme": 0.4}


def expected_rate(path: Trajectory) -> float:
    return EXPECTED_RATE.get(path.plan.pathway or "", 0.4)


@dataclass(slots=True)
class TargetSetting:
    chains: list[list[Target]] = field(default_factory=list)  # each oldest first
    this_year: list[tuple[Trajectory, Target]] = field(default_factory=list)


class TargetSetter:
    def __init__(self, rng: random.Random, today: date, now: datetime) -> None:
        self.rng = rng
        self.today = today
        self.now = now
        self.current = AcademicYear.containing(today)

    def set(self, paths: list[Trajectory]) -> TargetSetting:
        setting = TargetSetting()
        for path in paths:
            if path.track.scale is Scale.ENGAGEMENT:
                continue  # engagement is observed, not targeted
            for year in (self.current.previous(), self.current):
                points = [p for p in path.points if p.occasion.module.academic_year == year]
                if not points or points[0].occasion.module.sequence > 4:
                    continue  # joined too late in the year to set a target
                chain = self._chain(path, year, points)
                if chain:
                    setting.chains.append(chain)
                    if year == self.current:
                        setting.this_year.append((path, chain[-1]))
        return setting

    def _chain(self, path: Trajectory, year: AcademicYear, points: list[Point]) -> list[Target]:
        steps, top = path.framework.steps, len(path.framework.steps) - 1
        first = points[0]
        rate = expected_rate(path)
        gain = max(1, round(rate * (6 - first.occasion.module.sequence)))
        gain += 1 if self.rng.random() < 0.3 else 0
        goal = min(top, first.index + gain)
        if goal <= first.index:
            return []  # already at the top of the scale
        set_on = min(self.today, first.occasion.assessed_on + timedelta(days=5))
        where = f"{first.occasion.module.name} {first.occasion.kind.value}"
        target = Target(
            id=new_id(),
            school_id=path.pupil.school_id,
            pupil_id=path.pupil.id,
            strand_id=path.strand.id,
            academic_year=year,
            step_id=steps[goal].id,
            set_on=set_on,
            set_by=SYSTEM,
            rationale=(
                f"From the {where} at {steps[first.index].code}: "
                f"{goal - first.index} steps expected by the end of the year"
            ),
        )
        target.record(at(set_on, self.now), SYSTEM, "set")
        if year == self.current:
            return [target]
        return self._reviewed(path, year, points, [target], goal)

    def _reviewed(
        self,
        path: Trajectory,
        year: AcademicYear,
        points: list[Point],
        chain: list[Target],
        goal: int,
    ) -> list[Target]:
        """Last year's mid-year review and year-end outcome."""
        rng, steps, top = self.rng, path.framework.steps, len(path.framework.steps) - 1
        target = chain[-1]
        middle = points[len(points) // 2].occasion if len(points) >= 3 else None
        index = points[len(points) // 2].index
        if middle is not None and index >= goal and index + 2 <= top and rng.random() < 0.3:
            when = at(middle.assessed_on + timedelta(days=4), self.now)
            reason = f"Met by {middle.module.name}; raised to keep it challenging"
            target = target.revise(new_id(), steps[index + 2].id, reason, SYSTEM, when)
            chain.append(target)
            goal = index + 2
        elif (
            middle is not None
            and path.plan.pattern is not Pattern.STEADY
            and index + 1 < goal
            and rng.random() < 0.7
        ):
            when = at(middle.assessed_on + timedelta(days=4), self.now)
            reason = "Progress has stalled; agreed at the provision plan review"
            target.change_status(TargetStatus.TOO_CHALLENGING, reason, SYSTEM, when)
            if rng.random() < 0.5:
                when = at(middle.assessed_on + timedelta(days=6), self.now)
                reason = "Revised down with the SENCo and parents"
                target = target.revise(new_id(), steps[index + 1].id, reason, SYSTEM, when)
                chain.append(target)
                goal = index + 1
        last = points[-1]
        when = at(last.occasion.assessed_on + timedelta(days=3), self.now)
        left = [
            e.left_on
            for e in path.plan.enrolments
            if e.left_on is not None and year.starts_on <= e.left_on < last_day(year)
        ]
        still_open = target.status in (TargetStatus.ACTIVE, TargetStatus.TOO_CHALLENGING)
        if last.index >= goal and target.status is TargetStatus.ACTIVE:
            reason = f"Met at {last.occasion.module.name}"
            target.change_status(TargetStatus.MET, reason, SYSTEM, when)
        elif left and still_open and not path.pupil.on_roll(last_day(year)):
            reason = f"Left on {max(left):%d %B %Y}"
            target.change_status(TargetStatus.WITHDRAWN, reason, SYSTEM, at(max(left), self.now))
        return chain
