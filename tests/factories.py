"""Typed builders for test data, made through the real use cases on the real database."""

import itertools
import random
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date

from api.runtime import Runtime
from domain.assessment import framework_service as frameworks
from domain.assessment import module_service as modules
from domain.assessment.framework import Framework
from domain.identity import identity_service as identity
from domain.identity.identity import User
from domain.kernel.access import Permission, Principal, Role
from domain.kernel.calendar import AcademicYear, Module
from domain.organisation import organisation_service as organisation
from domain.organisation.organisation import School, SchoolType, Trust
from domain.pupils import pupil_service as pupils
from domain.pupils.pupil import Characteristic, CharacteristicKind, Enrolment, Gender, Pupil
from domain.pupils.upn import check_letter

_rng = random.SystemRandom()


def make_upn(temporary: bool = False) -> str:
    """A valid UPN (or temporary UPN) with a random serial."""
    body = f"886{_rng.randint(1000, 9999)}{_rng.randint(10, 25)}{_rng.randint(0, 999):03d}"
    if temporary:
        body = body[:-1] + _rng.choice("ABCDEFGHJKLMNPQRTUVWXYZ")
    return check_letter(body) + body


# URNs are unique across the database: count up from a random start rather than draw at random,
# which collides (birthday odds) once a run has made a few hundred schools
_urns = itertools.count(_rng.randint(100_000, 800_000))


def make_urn() -> str:
    return str(next(_urns))


PASSWORD = "correct horse battery staple"


@dataclass
class World:
    """One trust's worth of data, with a token per kind of caller."""

    runtime: Runtime
    trust: Trust
    school: School
    other_school: School
    framework: Framework
    modules: list[Module]
    other_module: Module
    pupils: list[Pupil]
    other_pupil: Pupil
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    client_id: str = ""
    client_secret: str = ""

    @property
    def pupil(self) -> Pupil:
        return self.pupils[0]

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def step(self, code: str) -> str:
        found = self.framework.step_by_code(code)
        assert found is not None
        return str(found.id)

    @property
    def reading(self) -> str:
        return str(self.framework.strands[0].id)

    @classmethod
    async def build(cls, runtime: Runtime) -> "World":
        system = Principal.system()
        uow = runtime.system_uow
        trust = await organisation.create_trust(
            uow(), system, organisation.CreateTrust(f"Trust {secrets.token_hex(3)}")
        )
        school = await organisation.create_school(
            uow(),
            system,
            organisation.CreateSchool(
                trust.id, make_urn(), "Milestone Special", SchoolType.SPECIAL
            ),
        )
        other_school = await organisation.create_school(
            uow(),
            system,
            organisation.CreateSchool(
                trust.id, make_urn(), "Riverside PRU", SchoolType.ALTERNATIVE_PROVISION
            ),
        )
        framework = await frameworks.create_framework(
            uow(),
            system,
            frameworks.CreateFramework(
                name="Small steps",
                trust_id=trust.id,
                strands=[
                    frameworks.StrandSpec("READ", "Reading"),
                    frameworks.StrandSpec("MATH", "Maths"),
                ],
                steps=[frameworks.StepSpec(f"S{i}", f"Step {i}", float(i)) for i in range(1, 9)],
            ),
        )
        year = AcademicYear(2023)
        terms = [
            (date(2023, 9, 4), date(2023, 12, 20)),
            (date(2024, 1, 4), date(2024, 3, 28)),
            (date(2024, 4, 15), date(2024, 7, 19)),
        ]
        made_modules = [
            await modules.create_module(
                uow(), system, modules.CreateModule(school.id, year, n, f"Term {n}", start, end)
            )
            for n, (start, end) in enumerate(terms, start=1)
        ]
        other_module = await modules.create_module(
            uow(),
            system,
            modules.CreateModule(
                other_school.id, year, 1, "6-week point 1", date(2023, 9, 4), date(2023, 10, 13)
            ),
        )
        made_pupils = [
            await pupils.enrol_pupil(
                uow(), system, _pupil_command(school.id, "Amira", "Khan", "7")
            ),
            await pupils.enrol_pupil(
                uow(), system, _pupil_command(school.id, "Ben", "Okafor", "9")
            ),
        ]
        other_pupil = await pupils.enrol_pupil(
            uow(), system, _pupil_command(other_school.id, "Cara", "Lowe", "10")
        )
        world = cls(
            runtime=runtime,
            trust=trust,
            school=school,
            other_school=other_school,
            framework=framework,
            modules=made_modules,
            other_module=other_module,
            pupils=made_pupils,
            other_pupil=other_pupil,
        )
        await world._add_users()
        return world

    async def _add_users(self) -> None:
        accounts = {
            "trust_admin": (Role.TRUST_ADMIN, frozenset()),
            "trust_analyst": (Role.TRUST_ANALYST, frozenset()),
            "school_admin": (Role.SCHOOL_ADMIN, frozenset({self.school.id})),
            "teacher": (Role.TEACHER, frozenset({self.school.id})),
            "other_teacher": (Role.TEACHER, frozenset({self.other_school.id})),
        }
        for name, (role, schools) in accounts.items():
            user = await identity.create_user(
                self.runtime.system_uow(),
                Principal.system(),
                identity.CreateUser(
                    email=f"{name}.{secrets.token_hex(4)}@stepwise.test",
                    name=name.replace("_", " ").title(),
                    role=role,
                    password=PASSWORD,
                    trust_id=self.trust.id if role.is_trust_role else None,
                    school_ids=schools,
                ),
                self.runtime.hasher,
            )
            self.users[name] = user
            self.tokens[name] = self.runtime.tokens.issue(str(user.id), "user", role.value)
        issued = await identity.create_client(
            self.runtime.system_uow(),
            Principal.system(),
            identity.CreateClient(
                name="MIS sync",
                permissions=frozenset({Permission.READ_ROSTER, Permission.WRITE_ASSESSMENT}),
                school_ids=frozenset({self.school.id}),
            ),
            self.runtime.hasher,
        )
        self.client_id, self.client_secret = issued.client.client_id, issued.secret
        self.tokens["integration"] = self.runtime.tokens.issue(
            issued.client.client_id, "client", "integration"
        )


def _pupil_command(
    school_id: uuid.UUID, forename: str, surname: str, year_group: str
) -> pupils.EnrolPupil:
    return pupils.EnrolPupil(
        school_id=school_id,
        forename=forename,
        surname=surname,
        date_of_birth=date(2011, 5, 17),
        gender=Gender.FEMALE,
        year_group=year_group,
        upn=make_upn(),
        pathway="semi-formal",
        characteristics=[
            Characteristic(CharacteristicKind.SEN_PROVISION, date(2019, 9, 1), value="E"),
            Characteristic(CharacteristicKind.SEN_NEED, date(2019, 9, 1), value="ASD", rank=1),
            Characteristic(CharacteristicKind.PUPIL_PREMIUM, date(2022, 9, 1)),
        ],
        enrolments=[Enrolment(date(2022, 9, 1))],
    )
