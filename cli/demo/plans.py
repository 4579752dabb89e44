"""What the demo intends for each pupil before anything is written: who they are, when they
were on roll, where they start on each framework, how fast they move, and where leavers go."""

import enum
import uuid
from dataclasses import dataclass
from datetime import date
from random import Random

from cli.demo.scales import Scale
from cli.demo.schools import SchoolPlan
from domain.outcomes.destination import DestinationCategory
from domain.pupils.pupil import Characteristic, Enrolment, Gender
from domain.pupils.pupil_service import EnrolPupil


class Pattern(enum.StrEnum):
    """The shape of a pupil's progress: most move on; a few stall or slip back."""

    STEADY = "steady"
    STALLED = "stalled"
    REGRESSING = "regressing"


@dataclass(frozen=True, slots=True)
class Track:
    """A framework the pupil is judged on: starting step index and steps per window."""

    scale: Scale
    start: int
    rate: float
    termly: bool = False  # judged at the end of each term only (windows 2, 4 and 6)


@dataclass(frozen=True, slots=True)
class Leaving:
    category: DestinationCategory
    provider: str


@dataclass(frozen=True, slots=True)
class PupilPlan:
    school: SchoolPlan
    forename: str
    surname: str
    date_of_birth: date
    gender: Gender
    year_group: str
    upn: str
    mis_id: str
    pathway: str | None
    characteristics: list[Characteristic]
    enrolments: list[Enrolment]
    tracks: list[Track]
    pattern: Pattern
    leaving: Leaving | None = None

    def command(self, school_id: uuid.UUID) -> EnrolPupil:
        return EnrolPupil(
            school_id=school_id,
            forename=self.forename,
            surname=self.surname,
            date_of_birth=self.date_of_birth,
            gender=self.gender,
            year_group=self.year_group,
            enrolments=self.enrolments,
            upn=self.upn,
            mis_id=self.mis_id,
            pathway=self.pathway,
            characteristics=self.characteristics,
        )


@dataclass(frozen=True, slots=True)
class Pace:
    """Where a pathway starts on its scale for a year group, and how fast its pupils move."""

    base: float
    per_year_group: float
    spread: int
    lowest: int
    highest: int
    rate: tuple[float, float]  # steps per window, lowest and highest

    def start(self, rng: Random, year_group: int) -> int:
        """The step index of a pupil's first judgement, given their year group then."""
        guess = (
            self.base + self.per_year_group * year_group + rng.randint(-self.spread, self.spread)
        )
        return max(self.lowest, min(self.highest, round(guess)))


def pattern_for(rng: Random, regressing: float) -> Pattern:
    """About one pupil in twelve stalls; `regressing` of them slip back a little."""
    roll = rng.random()
    if roll < 0.08:
        return Pattern.STALLED
    return Pattern.REGRESSING if roll < 0.08 + regressing else Pattern.STEADY
