"""EHCP outcome targets: two SMART targets per special-school pupil with a plan, each
evaluated at the end of every term that has passed while the pupil was on roll."""

import random
from datetime import date, timedelta

from cli.demo.calendar import last_day, term_ends, weekday_on_or_after, weekday_on_or_before
from cli.demo.names import TEACHERS
from cli.demo.plans import PupilPlan
from cli.demo.register import year_group_in
from cli.demo.schools import RIVERSIDE
from domain.kernel.calendar import AcademicYear
from domain.kernel.ids import new_id
from domain.pupils.pupil import Pupil, SenProvision
from domain.targets.target import (
    OutcomeEvaluation,
    OutcomeRating,
    OutcomeSource,
    OutcomeStatus,
    OutcomeTarget,
)

#: (EHCP section E area, SMART outcome) by school; {name} is the pupil's forename.
OUTCOMES = {
    "milestone": [
        ("Communication and interaction", "{name} will use their communication book to "
         "request a preferred activity, with no more than one verbal prompt, in 4 out of 5 "
         "opportunities."),
        ("Communication and interaction", "{name} will take part in a turn-taking game with "
         "a peer for five minutes, waiting for their turn, on 3 occasions a week."),
        ("Cognition and learning", "{name} will follow a five-step visual timetable "
         "independently across the school day, checked weekly by the class team."),
        ("Cognition and learning", "{name} will count and pay for two items at the school "
         "shop using coins up to £2 with one adult prompt."),
        ("Social, emotional and mental health", "{name} will use an agreed calming strategy "
         "(time-out card) when anxious on 3 out of 4 recorded occasions."),
        ("Preparing for adulthood", "{name} will travel from the classroom to the dining hall "
         "with only distant supervision on 4 days out of 5."),
        ("Preparing for adulthood", "{name} will prepare a simple snack (toast and a drink) "
         "using visual prompts only."),
    ],
    "brookfield": [
        ("Communication", "{name} will activate a switch to request 'more' during sensory "
         "story in 3 out of 5 sessions."),
        ("Communication", "{name} will anticipate a familiar routine from an object of "
         "reference by smiling or vocalising in 3 out of 5 sessions."),
        ("Sensory and physical", "{name} will track a moving light source across the midline "
         "in 4 out of 5 sessions in the sensory room."),
        ("Sensory and physical", "{name} will tolerate the standing frame for 20 minutes a "
         "day, showing relaxed body language."),
        ("Health and wellbeing", "{name} will accept a new food texture offered at lunch on "
         "3 days out of 5."),
    ],
}  # fmt: skip

RATINGS = [
    (OutcomeRating.NOT_MET, "Not yet: still needs full support"),
    (OutcomeRating.PARTLY_MET, "Partly met: achieved with prompts on some occasions"),
    (OutcomeRating.MET, "Met consistently across settings"),
    (OutcomeRating.EXCEEDED, "Exceeded: now independent and generalising"),
]


class OutcomeWriter:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.current = AcademicYear.containing(today)

    def write(self, enrolled: list[tuple[PupilPlan, Pupil]]) -> list[OutcomeTarget]:
        found = []
        for plan, pupil in enrolled:
            if plan.school is RIVERSIDE or pupil.first_joined_on is None:
                continue
            year = self.current.previous()
            set_on = weekday_on_or_after(
                max(pupil.first_joined_on + timedelta(days=21), date(year.start_year, 9, 22))
            )
            if set_on > self.today or pupil.sen_provision_on(set_on) is not SenProvision.EHC_PLAN:
                continue
            left = plan.enrolments[-1].left_on
            due_on = last_day(year) if left is not None else last_day(self.current)
            if left is not None and left < set_on:
                continue
            for area, text in self.rng.sample(OUTCOMES[plan.school.key], 2):
                found.append(self._outcome(plan, pupil, area, text, set_on, due_on))
        return found

    def _outcome(
        self, plan: PupilPlan, pupil: Pupil, area: str, text: str, set_on: date, due_on: date
    ) -> OutcomeTarget:
        outcome = OutcomeTarget(
            id=new_id(),
            school_id=pupil.school_id,
            pupil_id=pupil.id,
            source=OutcomeSource.EHCP,
            area=area,
            text=text.format(name=plan.forename),
            set_on=set_on,
            due_on=due_on,
        )
        level = self.rng.choice((0, 0, 1))
        for year in (self.current.previous(), self.current):
            for term, ends in term_ends(year).items():
                evaluated_on = weekday_on_or_before(ends - timedelta(days=4))
                if not (set_on <= evaluated_on and ends <= self.today and pupil.on_roll(ends)):
                    continue
                rating, note = RATINGS[level]
                teachers = TEACHERS[plan.school.key]
                group = year_group_in(plan.date_of_birth, year)
                evaluation = OutcomeEvaluation(
                    new_id(),
                    year,
                    term,
                    rating,
                    evaluated_on,
                    teachers[group // 2 % len(teachers)],
                    note,
                )
                outcome.evaluate(evaluation)
                level = min(3, level + self.rng.choice((0, 1, 1)))
        if outcome.evaluations and plan.enrolments[-1].left_on is not None:
            achieved = outcome.evaluations[-1].rating in (OutcomeRating.MET, OutcomeRating.EXCEEDED)
            outcome.status = OutcomeStatus.ACHIEVED if achieved else OutcomeStatus.CEASED
        if problems := outcome.problems():
            raise RuntimeError(f"demo outcome target breaks the rules: {problems}")
        return outcome
