"""The PRU's placements: pupils come and go on any day, some more than once.

Last year's ten Year 11 leavers reproduce the Leicester seed (seven on the KS4
programme for three terms or more, three for at least one; three Pupil Premium,
one EHC plan; nine of ten with an EET destination). The other twenty-five are
long stays still on roll, recent arrivals, dual-registered short stays of a few
weeks, and pupils who left and were referred again.
"""

import random
from datetime import date, timedelta

from cli.demo.calendar import last_day, six_weekly_points, weekday_on_or_after, weekday_on_or_before
from cli.demo.names import FE_COLLEGES
from cli.demo.needs import group_flags, pru_sen
from cli.demo.plans import Leaving, Pace, PupilPlan, Track, pattern_for
from cli.demo.register import Register, born_in
from cli.demo.schools import RIVERSIDE
from domain.kernel.calendar import AcademicYear
from domain.outcomes.destination import DestinationCategory
from domain.pupils.pupil import Enrolment, Gender, Registration, SenProvision

#: Functional Skills (0 = Pre-entry .. 10 = Level 2) by year group from Year 7.
FUNCTIONAL = Pace(1, 0.8, 2, 0, 7, (0.25, 0.75))

D = DestinationCategory
_Y11_DESTINATIONS = [
    *(Leaving(D.FE_COLLEGE, FE_COLLEGES[n % 2]) for n in range(5)),
    Leaving(D.APPRENTICESHIP, "Kent Motor Group (Level 2 vehicle maintenance)"),
    Leaving(D.TRAINING, "Swale Skills Hub study programme"),
    Leaving(D.TRAINING, "Princes Trust Team programme"),
    Leaving(D.EMPLOYMENT, "Harbour Bakery (employment with training)"),
    Leaving(D.NEET, ""),
]


def _weekday_between(rng: random.Random, first: date, last: date) -> date:
    span = max(0, (last - first).days)
    return weekday_on_or_before(first + timedelta(days=rng.randint(0, span)))


class Placements:
    def __init__(self, rng: random.Random, register: Register, today: date) -> None:
        self.rng = rng
        self.register = register
        self.today = today
        self.current = AcademicYear.containing(today)
        self.previous = self.current.previous()
        self.first = self.previous.previous()

    def all(self) -> list[PupilPlan]:
        return (
            self.year_11_leavers()
            + self.long_stays()
            + self.arrivals()
            + self.short_stays()
            + self.rejoiners()
        )

    def year_11_leavers(self) -> list[PupilPlan]:
        destinations = list(_Y11_DESTINATIONS)
        self.rng.shuffle(destinations)
        left = last_day(self.previous)
        plans = []
        for n, leaving in enumerate(destinations):
            if n < 7:  # on the KS4 programme for three terms or more
                joined = self._between(self.first, (9, 20), (4, 30))
            else:  # at least a term
                joined = self._between(self.previous, (9, 15), (2, 27))
            plans.append(
                self.pupil(
                    self.previous,
                    11,
                    [Enrolment(joined, left)],
                    provision=SenProvision.EHC_PLAN if n == 1 else None,
                    pupil_premium=n in (0, 3, 5),
                    leaving=leaving,
                )
            )
        return plans

    def long_stays(self) -> list[PupilPlan]:
        """Permanently excluded pupils on roll since last year (Year 7s since September)."""
        plans = []
        for group in (7, 8, 9, 9, 10, 10, 11, 11):
            if group == 7:
                joined = self._between(self.current, (9, 7), (10, 9))
            else:
                joined = self._between(self.previous, (10, 1), (6, 30))
            plans.append(self.pupil(self.current, group, [Enrolment(joined)]))
        return plans

    def arrivals(self) -> list[PupilPlan]:
        """This year's referrals: two judged at the first point, two still being baselined."""
        point = six_weekly_points(self.current)[0]
        early = (point.starts_on + timedelta(days=3), point.ends_on - timedelta(days=14))
        late = (point.ends_on + timedelta(days=3), self.today - timedelta(days=3))
        plans = []
        for n, (first, last) in enumerate([early, early, late, late]):
            if last < first:
                first, last = early
            joined = _weekday_between(self.rng, first, min(last, self.today))
            registration = Registration.SUBSIDIARY if n % 2 else Registration.SINGLE
            group = self.rng.randint(7, 11)
            plans.append(self.pupil(self.current, group, [Enrolment(joined, None, registration)]))
        return plans

    def short_stays(self) -> list[PupilPlan]:
        """Dual-registered placements of four to twelve weeks, then back to their school."""
        plans = []
        for n in range(9):
            year = self.first if n % 2 else self.previous
            joined = self._between(year, (9, 20), (5, 15))
            left = weekday_on_or_before(joined + timedelta(weeks=self.rng.randint(4, 12)))
            left = min(left, last_day(year), self.today - timedelta(days=1))
            group = self.rng.randint(7, 10)
            plans.append(
                self.pupil(year, group, [Enrolment(joined, left, Registration.SUBSIDIARY)])
            )
        return plans

    def rejoiners(self) -> list[PupilPlan]:
        """Referred, returned to school, referred again; two are back on roll now."""
        rng = self.rng
        plans = []
        for n in range(4):
            joined = self._between(self.first, (10, 1), (1, 31))
            spells: list[Enrolment] = []
            for _ in range(2):
                left = weekday_on_or_before(joined + timedelta(weeks=rng.randint(6, 12)))
                spells.append(Enrolment(joined, left, Registration.SUBSIDIARY))
                joined = weekday_on_or_after(left + timedelta(weeks=rng.randint(10, 20)))
            if n < 2:
                back = max(joined, six_weekly_points(self.current)[0].starts_on)
                if back <= self.today - timedelta(days=21):
                    spells.append(Enrolment(back, None, Registration.SINGLE))
            last = spells[-1]
            year = AcademicYear.containing(last.joined_on) if last.left_on else self.current
            first_year = AcademicYear.containing(spells[0].joined_on)
            group = rng.randint(7, 10 - (year.start_year - first_year.start_year))
            group += year.start_year - first_year.start_year
            plans.append(self.pupil(year, group, spells))
        return plans

    def pupil(
        self,
        year: AcademicYear,
        year_group: int,
        enrolments: list[Enrolment],
        *,
        provision: SenProvision | None = None,
        pupil_premium: bool | None = None,
        leaving: Leaving | None = None,
    ) -> PupilPlan:
        """A pupil in `year_group` during `year` (their last year with us, for leavers)."""
        rng = self.rng
        sex = Gender.MALE if rng.random() < 0.75 else Gender.FEMALE
        forename, surname, gender, eal = self.register.name(sex, rng.random() < 0.06)
        born = born_in(rng, year, year_group)
        joined = enrolments[0].joined_on
        first_judged = max(self.first, AcademicYear.containing(joined))
        group_then = year_group - (year.start_year - first_judged.start_year)
        if provision is None:
            provision = rng.choices(
                [SenProvision.SEN_SUPPORT, SenProvision.NO_SEN, SenProvision.EHC_PLAN],
                [60, 25, 15] if leaving is None else [60, 40, 0],
            )[0]
        characteristics = pru_sen(rng, joined, provision)
        characteristics += group_flags(
            rng,
            born,
            joined,
            self.today,
            fsm_chance=0.5,
            looked_after_chance=0.1,
            eal=eal,
            pupil_premium=pupil_premium,
        )
        temporary = rng.random() < 0.15  # arrived before their records did
        return PupilPlan(
            school=RIVERSIDE,
            forename=forename,
            surname=surname,
            date_of_birth=born,
            gender=gender,
            year_group=str(year_group),
            upn=(
                self.register.temporary_upn(RIVERSIDE.establishment, joined)
                if temporary
                else self.register.upn(born)
            ),
            mis_id=self.register.admission_number(RIVERSIDE.key, RIVERSIDE.first_admission),
            pathway="KS4 programme" if year_group >= 10 else "KS3 tuition",
            characteristics=characteristics,
            enrolments=enrolments,
            tracks=[
                Track(
                    RIVERSIDE.scale,
                    FUNCTIONAL.start(rng, group_then - 7),
                    rng.uniform(*FUNCTIONAL.rate),
                )
            ],
            pattern=pattern_for(rng, 0.05),
            leaving=leaving,
        )

    def _between(self, year: AcademicYear, first: tuple[int, int], last: tuple[int, int]) -> date:
        """A school day between two (month, day)s of `year`, never later than three weeks ago."""

        def day(month_day: tuple[int, int]) -> date:
            month, dom = month_day
            return date(year.start_year + (month < 9), month, dom)

        latest = min(day(last), self.today - timedelta(days=21))
        return _weekday_between(self.rng, day(first), latest)
