"""Building progress data for engine tests, through the real use cases on the real database."""

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import date

from api.runtime import Runtime
from domain.analytics import progress_model_service as progress_models
from domain.analytics.progress import RateRule, Thresholds
from domain.assessment import framework_service as frameworks
from domain.assessment import judgement_service as judgements
from domain.assessment import module_service as modules
from domain.assessment.framework import Framework
from domain.assessment.judgement import JudgementKind
from domain.identity import identity_service as identity
from domain.kernel.access import Principal, Role
from domain.kernel.calendar import AcademicYear, Module
from domain.organisation import organisation_service as organisation
from domain.organisation.organisation import School, SchoolType, Trust
from domain.pupils import pupil_service as pupils
from domain.pupils.pupil import Characteristic, CharacteristicKind, Enrolment, Gender, Pupil
from tests.factories import make_upn, make_urn

SYSTEM = Principal.system()
PASSWORD = "correct horse battery"
_names = itertools.count(1)


async def _school(runtime: Runtime, trust: Trust) -> School:
    return await organisation.create_school(
        runtime.system_uow(),
        SYSTEM,
        organisation.CreateSchool(
            trust.id, make_urn(), "Leicester Partnership", SchoolType.ALTERNATIVE_PROVISION
        ),
    )


@dataclass
class Tracker:
    """A trust, its school(s), a framework on a 1..40 scale and a year of modules."""

    runtime: Runtime
    trust: Trust
    school: School
    framework: Framework
    modules: dict[tuple[str, int], Module] = field(default_factory=dict)

    def strand(self, code: str) -> uuid.UUID:
        return next(s.id for s in self.framework.strands if s.code == code)

    def step(self, value: float) -> uuid.UUID:
        return next(s.id for s in self.framework.steps if s.value == value)

    def module(self, year: str, sequence: int) -> Module:
        return self.modules[(year, sequence)]

    @classmethod
    async def build(
        cls,
        runtime: Runtime,
        rate: float = 3.0,
        trust: Trust | None = None,
        strands: tuple[str, ...] = ("ENG", "MAT"),
        shared: bool = False,
    ) -> "Tracker":
        """`shared`: the framework belongs to the trust, so `sibling` schools can use it."""
        uow = runtime.system_uow
        if trust is None:
            trust = await organisation.create_trust(
                uow(), SYSTEM, organisation.CreateTrust(f"Trust {next(_names)}")
            )
        school = await _school(runtime, trust)
        framework = await frameworks.create_framework(
            uow(),
            SYSTEM,
            frameworks.CreateFramework(
                name=f"Functional skills {next(_names)}",
                trust_id=trust.id if shared else None,
                school_id=None if shared else school.id,
                strands=[frameworks.StrandSpec(code, code.title()) for code in strands],
                steps=[frameworks.StepSpec(f"F{n}", f"Step {n}", float(n)) for n in range(1, 41)],
            ),
        )
        await progress_models.create_model(
            uow(),
            SYSTEM,
            progress_models.CreateModel(
                framework.id,
                progress_models.ModelSpec(
                    name="Three a year", rules=(RateRule(0, 100, rate),), thresholds=Thresholds()
                ),
            ),
        )
        tracker = cls(runtime, trust, school, framework)
        for year in (AcademicYear(2022), AcademicYear(2023)):
            await tracker.add_year(year)
        return tracker

    async def sibling(self) -> "Tracker":
        """Another school of the trust on the same framework (build it `shared`), with
        modules for the same years; it adds no model (the framework's is shared too)."""
        school = await _school(self.runtime, self.trust)
        other = Tracker(self.runtime, self.trust, school, self.framework)
        for year in sorted({AcademicYear.parse(label) for label, _ in self.modules}):
            await other.add_year(year)
        return other

    async def add_year(self, year: AcademicYear) -> None:
        """Six modules, roughly half-termly."""
        start = year.start_year
        dates = [
            (date(start, 9, 4), date(start, 10, 20)),
            (date(start, 10, 30), date(start, 12, 20)),
            (date(start + 1, 1, 4), date(start + 1, 2, 9)),
            (date(start + 1, 2, 19), date(start + 1, 3, 28)),
            (date(start + 1, 4, 15), date(start + 1, 5, 24)),
            (date(start + 1, 6, 3), date(start + 1, 7, 19)),
        ]
        for sequence, (starts, ends) in enumerate(dates, start=1):
            module = await modules.create_module(
                self.runtime.system_uow(),
                SYSTEM,
                modules.CreateModule(
                    self.school.id, year, sequence, f"Module {sequence}", starts, ends
                ),
            )
            self.modules[(year.label, sequence)] = module

    async def pupil(
        self,
        joined_on: date = date(2022, 9, 1),
        left_on: date | None = None,
        year_group: str = "8",
        pupil_premium: bool = False,
        eal: bool = False,
        gender: Gender = Gender.FEMALE,
        enrolments: list[Enrolment] | None = None,
        born: date = date(2011, 3, 1),
    ) -> Pupil:
        flags = []
        if pupil_premium:
            flags.append(Characteristic(CharacteristicKind.PUPIL_PREMIUM, date(2021, 9, 1)))
        if eal:
            flags.append(Characteristic(CharacteristicKind.EAL, date(2021, 9, 1)))
        return await pupils.enrol_pupil(
            self.runtime.system_uow(),
            SYSTEM,
            pupils.EnrolPupil(
                school_id=self.school.id,
                forename=f"Pupil{next(_names)}",
                surname="Tested",
                date_of_birth=born,
                gender=gender,
                year_group=year_group,
                upn=make_upn(),
                characteristics=flags,
                enrolments=enrolments or [Enrolment(joined_on, left_on)],
            ),
        )

    async def headers(
        self, role: Role = Role.SCHOOL_ADMIN, school_id: uuid.UUID | None = None
    ) -> dict[str, str]:
        """A bearer token for a new user: trust roles over the tracker's trust, school roles
        over `school_id` (default the tracker's school)."""
        trust_role = role.is_trust_role
        user = await identity.create_user(
            self.runtime.system_uow(),
            SYSTEM,
            identity.CreateUser(
                email=f"{role.value}.{uuid.uuid4().hex[:8]}@progress.example",
                name="Data Manager",
                role=role,
                password=PASSWORD,
                trust_id=self.trust.id if trust_role else None,
                school_ids=frozenset() if trust_role else frozenset({school_id or self.school.id}),
            ),
            self.runtime.hasher,
        )
        token = self.runtime.tokens.issue(str(user.id), "user", role.value)
        return {"Authorization": f"Bearer {token}"}

    async def judge(
        self,
        pupil: Pupil,
        strand: str,
        year: str,
        sequence: int,
        value: float,
        on: date,
        kind: JudgementKind = JudgementKind.CHECKPOINT,
    ) -> None:
        await judgements.record_judgement(
            self.runtime.system_uow(),
            SYSTEM,
            judgements.RecordJudgement(
                pupil.id,
                self.strand(strand),
                self.module(year, sequence).id,
                self.step(value),
                kind,
                on,
                "Ms Tester",
            ),
        )

    async def progress(
        self, pupil: Pupil, strand: str, year: str, gain: float, baseline_value: float = 2.0
    ) -> None:
        """A baseline at module 1 and a judgement at module 6 `gain` steps higher."""
        start = AcademicYear.parse(year).start_year
        await self.judge(
            pupil, strand, year, 1, baseline_value, date(start, 9, 15), JudgementKind.BASELINE
        )
        await self.judge(pupil, strand, year, 6, baseline_value + gain, date(start + 1, 7, 10))
