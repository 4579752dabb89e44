"""The admission register: unique names, UPNs and MIS admission numbers for demo pupils.

UPNs are valid DfE numbers for Kent (LA 886), issued by the primary school the
pupil started at in the year they started; a temporary UPN is issued by the
demo school itself and ends in a letter.
"""

import random
from datetime import date, timedelta

from cli.demo.names import BOYS, EAL_PUPILS, GIRLS, SURNAMES
from cli.demo.needs import started_school
from domain.kernel.calendar import AcademicYear
from domain.pupils.pupil import Gender
from domain.pupils.upn import CHECK_ALPHABET, check_letter

LA_CODE = "886"


def born_in(rng: random.Random, year: AcademicYear, year_group: int) -> date:
    """A date of birth that puts a pupil in `year_group` (0 = Reception) during `year`."""
    first = date(year.start_year - year_group - 5, 9, 1)
    return first + timedelta(days=rng.randint(0, 364))


def year_group_in(born: date, year: AcademicYear) -> int:
    """The national curriculum year group of a pupil born on `born` during `year`."""
    return year.start_year - started_school(born).year


class Register:
    """Hands out names, UPNs and admission numbers, never the same one twice."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._names: set[tuple[str, str]] = set()
        self._upns: set[str] = set()
        self._eal = list(EAL_PUPILS)
        self._admissions: dict[str, int] = {}

    def name(self, gender: Gender, eal: bool) -> tuple[str, str, Gender, bool]:
        """Forename, surname, gender and EAL (False once the EAL names run out)."""
        if eal and self._eal:
            forename, surname, sex = self._eal.pop(self._rng.randrange(len(self._eal)))
            self._names.add((forename, surname))
            return forename, surname, Gender(sex), True
        forenames = BOYS if gender is Gender.MALE else GIRLS
        while True:
            full = (self._rng.choice(forenames), self._rng.choice(SURNAMES))
            if full not in self._names:
                self._names.add(full)
                return *full, gender, False

    def upn(self, born: date) -> str:
        """A permanent UPN from the Kent primary school where the pupil started Reception."""
        issued = started_school(born).year % 100
        while True:
            school = self._rng.randint(2000, 3999)
            body = f"{LA_CODE}{school}{issued:02d}{self._rng.randint(0, 999):03d}"
            if (upn := self._unique(body)) is not None:
                return upn

    def temporary_upn(self, establishment: str, issued_on: date) -> str:
        """A temporary UPN issued by `establishment` while the permanent one is traced."""
        while True:
            serial = f"{self._rng.randint(0, 99):02d}{self._rng.choice(CHECK_ALPHABET)}"
            body = f"{LA_CODE}{establishment}{issued_on.year % 100:02d}{serial}"
            if (upn := self._unique(body)) is not None:
                return upn

    def _unique(self, body: str) -> str | None:
        upn = check_letter(body) + body
        if upn in self._upns:
            return None
        self._upns.add(upn)
        return upn

    def admission_number(self, school: str, first: int) -> str:
        """The MIS admission number: a school-wide counter, zero-padded like SIMS's."""
        number = self._admissions.get(school, first)
        self._admissions[school] = number + 1
        return f"{number:06d}"
