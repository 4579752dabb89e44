"""The special schools' rolls.

Milestone: about sixty pupils in Years 1-14 on formal, semi-formal and pre-formal
pathways, last year's fifteen Year 14 leavers (the seed's 10 independent
specialist college / 3 further education / 2 social care) and two pupils who
moved out of the area. Brookfield: thirty pupils on the Brook PMLD pathway.
"""

import random
from datetime import date, timedelta

from cli.demo.calendar import half_terms, last_day, weekday_on_or_after
from cli.demo.names import FE_COLLEGES, INDEPENDENT_SPECIALIST_COLLEGES, SOCIAL_CARE
from cli.demo.needs import PROFILES, group_flags, special_school_sen
from cli.demo.plans import Leaving, Pace, PupilPlan, Track, pattern_for
from cli.demo.register import Register, born_in
from cli.demo.scales import Scale
from cli.demo.schools import BROOKFIELD, MILESTONE, SchoolPlan
from domain.kernel.calendar import AcademicYear
from domain.outcomes.destination import DestinationCategory
from domain.pupils.pupil import Enrolment, Gender

BROOK = "Brook / PMLD"
MILESTONE_ROLL = {1: 3, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3, 7: 5, 8: 5, 9: 5, 10: 5, 11: 5}
MILESTONE_ROLL |= {12: 5, 13: 6, 14: 6}
BROOKFIELD_ROLL = dict.fromkeys(range(1, 15), 2) | {7: 3, 12: 3}
#: Pathway weights by phase: more pre-formal learners in the primary years.
PRIMARY_PATHWAYS = {"formal": 25, "semi-formal": 40, "pre-formal": 35}
SECONDARY_PATHWAYS = {"formal": 50, "semi-formal": 35, "pre-formal": 15}

#: Small Steps (0..47) for Milestone's pathways, the Brook scale (0..47) for Brookfield.
PACES = {
    "formal": Pace(10, 2.0, 3, 6, 40, (0.55, 0.95)),
    "semi-formal": Pace(5, 1.1, 2, 3, 26, (0.45, 0.8)),
    "pre-formal": Pace(0, 0.5, 2, 0, 12, (0.25, 0.55)),
    BROOK: Pace(1, 0.8, 3, 0, 24, (0.15, 0.45)),
}


class SpecialRoll:
    """Builds special-school pupils, all dated relative to `today`."""

    def __init__(self, rng: random.Random, register: Register, today: date) -> None:
        self.rng = rng
        self.register = register
        self.today = today
        self.current = AcademicYear.containing(today)
        self.history_starts = self.current.previous().previous()

    def milestone(self) -> list[PupilPlan]:
        plans = [
            self.pupil(MILESTONE, self.current, group, self._pathway(group))
            for group, count in MILESTONE_ROLL.items()
            for _ in range(count)
        ]
        return plans + self.leavers() + self.movers()

    def brookfield(self) -> list[PupilPlan]:
        return [
            self.pupil(BROOKFIELD, self.current, group, BROOK, male_share=0.55, regressing=0.1)
            for group, count in BROOKFIELD_ROLL.items()
            for _ in range(count)
        ]

    def leavers(self) -> list[PupilPlan]:
        """Last year's Year 14: 10 independent specialist college, 3 FE, 2 social care."""
        year = self.current.previous()
        colleges = self.rng.choices(INDEPENDENT_SPECIALIST_COLLEGES, k=10)
        further = self.rng.choices(FE_COLLEGES, k=3)
        leavings = [
            *(Leaving(DestinationCategory.INDEPENDENT_SPECIALIST_COLLEGE, c) for c in colleges),
            *(Leaving(DestinationCategory.FE_COLLEGE, c) for c in further),
            *(Leaving(DestinationCategory.SOCIAL_CARE_PROVISION, c) for c in SOCIAL_CARE),
        ]
        self.rng.shuffle(leavings)
        return [
            self.pupil(
                MILESTONE,
                year,
                14,
                self._leaver_pathway(leaving.category),
                left_on=last_day(year),
                leaving=leaving,
            )
            for leaving in leavings
        ]

    def movers(self) -> list[PupilPlan]:
        """Two pupils who left mid-year when their families moved out of the county."""
        year = self.history_starts
        return [
            self.pupil(
                MILESTONE,
                year,
                group,
                self._pathway(group),
                joined=half_terms(year.previous())[0].starts_on,
                left_on=weekday_on_or_after(date(year.start_year + 1, month, 12)),
            )
            for group, month in ((5, 2), (9, 3))
        ]

    def pupil(
        self,
        school: SchoolPlan,
        year: AcademicYear,
        year_group: int,
        pathway: str,
        *,
        joined: date | None = None,
        left_on: date | None = None,
        leaving: Leaving | None = None,
        male_share: float = 0.68,
        regressing: float = 0.04,
    ) -> PupilPlan:
        """A pupil in `year_group` during `year` (this year for pupils on roll)."""
        rng = self.rng
        sex = Gender.MALE if rng.random() < male_share else Gender.FEMALE
        forename, surname, gender, eal = self.register.name(sex, rng.random() < 0.1)
        born = born_in(rng, year, year_group)
        joined = joined or self._joined(year, year_group)
        first_judged = max(self.history_starts, AcademicYear.containing(joined))
        group_then = year_group - (year.start_year - first_judged.start_year)
        pace = PACES[pathway]
        tracks = [Track(school.scale, pace.start(rng, group_then), rng.uniform(*pace.rate))]
        if pathway in ("pre-formal", BROOK) and year_group <= 6 and left_on is None:
            # the engagement model: KS1 and KS2 pupils not engaged in subject-specific study
            tracks.append(Track(Scale.ENGAGEMENT, rng.randint(0, 2), rng.uniform(0.3, 0.5), True))
        characteristics = special_school_sen(rng, joined, self.today, PROFILES[pathway])
        characteristics += group_flags(
            rng, born, joined, self.today, fsm_chance=0.35, looked_after_chance=0.05, eal=eal
        )
        temporary = rng.random() < 0.03
        return PupilPlan(
            school=school,
            forename=forename,
            surname=surname,
            date_of_birth=born,
            gender=gender,
            year_group=str(year_group),
            upn=(
                self.register.temporary_upn(school.establishment, joined)
                if temporary
                else self.register.upn(born)
            ),
            mis_id=self.register.admission_number(school.key, school.first_admission),
            pathway=pathway,
            characteristics=characteristics,
            enrolments=[Enrolment(joined, left_on)],
            tracks=tracks,
            pattern=pattern_for(rng, regressing),
            leaving=leaving,
        )

    def _pathway(self, year_group: int) -> str:
        weights = PRIMARY_PATHWAYS if year_group <= 6 else SECONDARY_PATHWAYS
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def _leaver_pathway(self, category: DestinationCategory) -> str:
        if category is DestinationCategory.SOCIAL_CARE_PROVISION:
            return "pre-formal"
        if category is DestinationCategory.FE_COLLEGE:
            return "formal"
        return self.rng.choices(["semi-formal", "pre-formal", "formal"], [6, 2, 2])[0]

    def _joined(self, year: AcademicYear, year_group: int) -> date:
        """Most join in September at a transition point (Reception, Year 7, Year 12); some
        arrive mid-year from another setting."""
        rng = self.rng
        if year_group >= 12 and rng.random() < 0.4:
            entry = 12
        elif year_group >= 7 and rng.random() < 0.45:
            entry = 7
        else:
            entry = rng.randint(max(0, year_group - 7), year_group)
        entry_year = AcademicYear(year.start_year - (year_group - entry))
        first_day = half_terms(entry_year)[0].starts_on
        day = first_day
        if rng.random() < 0.2:
            day = weekday_on_or_after(first_day + timedelta(days=rng.randint(20, 230)))
        latest = min(self.today - timedelta(days=21), last_day(year) - timedelta(days=60))
        return day if day <= latest else first_day
