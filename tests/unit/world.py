"""A small tenancy for use-case tests, seeded straight into a FakeStore.

Trust "Northern Lights" runs `school` and `sister_school`; an unrelated
trust runs `foreign_school`. Each trust owns a framework of small steps.
"Today" is 15 March 2024, in academic year 2023/24.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from domain.assessment.framework import Framework, Step, Strand
from domain.kernel.access import ROLE_PERMISSIONS, Principal, Role
from domain.kernel.calendar import AcademicYear, Module
from domain.kernel.ids import new_id
from domain.organisation.organisation import School, SchoolType, Trust
from domain.pupils.pupil import Characteristic, CharacteristicKind, Enrolment, Gender, Pupil
from domain.pupils.upn import check_letter
from tests.fakes import FakePasswordHasher, FakeStore, FakeUnitOfWork, FixedClock

TODAY = date(2024, 3, 15)
YEAR = AcademicYear(2023)


def upn(body: str) -> str:
    """A valid UPN for a 12-character body."""
    return check_letter(body) + body


def framework(name: str, trust_id: uuid.UUID, prefix: str) -> Framework:
    return Framework(
        id=new_id(),
        name=name,
        trust_id=trust_id,
        strands=[
            Strand(new_id(), "READ", "Reading", 1),
            Strand(new_id(), "MATH", "Maths", 2),
        ],
        steps=[Step(new_id(), f"{prefix}{i}", f"Step {i}", float(i)) for i in range(1, 7)],
    )


def pupil(school_id: uuid.UUID, forename: str, surname: str, upn_body: str) -> Pupil:
    return Pupil(
        id=new_id(),
        school_id=school_id,
        forename=forename,
        surname=surname,
        date_of_birth=date(2011, 5, 17),
        gender=Gender.FEMALE,
        year_group="7",
        upn=upn(upn_body),
        pathway="semi-formal",
        characteristics=[
            Characteristic(CharacteristicKind.SEN_PROVISION, date(2019, 9, 1), value="E"),
            Characteristic(CharacteristicKind.SEN_NEED, date(2019, 9, 1), value="ASD", rank=1),
        ],
        enrolments=[Enrolment(date(2022, 9, 1))],
    )


@dataclass
class World:
    store: FakeStore
    clock: FixedClock
    hasher: FakePasswordHasher
    trust: Trust
    school: School
    sister_school: School
    foreign_trust: Trust
    foreign_school: School
    framework: Framework
    foreign_framework: Framework
    module: Module
    spring_module: Module
    sister_module: Module
    pupil: Pupil
    sister_pupil: Pupil
    foreign_pupil: Pupil

    @classmethod
    def build(cls) -> "World":
        clock = FixedClock.on(TODAY)
        store = FakeStore(clock)
        trust = Trust(new_id(), "Northern Lights Trust")
        school = School(new_id(), trust.id, "118956", "Milestone Special", SchoolType.SPECIAL)
        sister = School(
            new_id(), trust.id, "140001", "Riverside PRU", SchoolType.ALTERNATIVE_PROVISION
        )
        foreign_trust = Trust(new_id(), "Elsewhere Trust")
        foreign_school = School(
            new_id(), foreign_trust.id, "150002", "Far Away", SchoolType.SPECIAL
        )
        world = cls(
            store=store,
            clock=clock,
            hasher=FakePasswordHasher(),
            trust=trust,
            school=school,
            sister_school=sister,
            foreign_trust=foreign_trust,
            foreign_school=foreign_school,
            framework=framework("Small steps", trust.id, "S"),
            foreign_framework=framework("Other steps", foreign_trust.id, "X"),
            module=Module(
                new_id(), school.id, YEAR, 1, "Autumn", date(2023, 9, 4), date(2023, 12, 20)
            ),
            spring_module=Module(
                new_id(), school.id, YEAR, 2, "Spring", date(2024, 1, 4), date(2024, 3, 28)
            ),
            sister_module=Module(
                new_id(), sister.id, YEAR, 1, "Point 1", date(2023, 9, 4), date(2023, 10, 13)
            ),
            pupil=pupil(school.id, "Amira", "Khan", "801200005001"),
            sister_pupil=pupil(sister.id, "Ben", "Okafor", "801200005002"),
            foreign_pupil=pupil(foreign_school.id, "Cara", "Lowe", "801200005003"),
        )
        store.seed(
            trust,
            school,
            sister,
            foreign_trust,
            foreign_school,
            world.framework,
            world.foreign_framework,
            world.module,
            world.spring_module,
            world.sister_module,
            world.pupil,
            world.sister_pupil,
            world.foreign_pupil,
        )
        return world

    # --- callers -------------------------------------------------------------------
    def school_role(
        self, role: Role, *schools: School, subject: str = "", name: str = "Sam Staff"
    ) -> Principal:
        chosen = schools or (self.school,)
        return Principal(
            subject=subject or f"{role.value}-{chosen[0].urn}",
            role=role,
            school_ids=frozenset(s.id for s in chosen),
            permissions=ROLE_PERMISSIONS[role],
            trust_ids=frozenset(s.trust_id for s in chosen),
            display_name=name,
        )

    def trust_role(self, role: Role) -> Principal:
        return Principal(
            subject=f"{role.value}-trust",
            role=role,
            school_ids=frozenset({self.school.id, self.sister_school.id}),
            permissions=ROLE_PERMISSIONS[role],
            trust_id=self.trust.id,
            trust_ids=frozenset({self.trust.id}),
            display_name="Tess Trust",
        )

    @property
    def teacher(self) -> Principal:
        return self.school_role(Role.TEACHER, name="Tom Teacher")

    @property
    def school_admin(self) -> Principal:
        return self.school_role(Role.SCHOOL_ADMIN, name="Ada Admin")

    @property
    def trust_admin(self) -> Principal:
        return self.trust_role(Role.TRUST_ADMIN)

    @property
    def analyst(self) -> Principal:
        return self.trust_role(Role.TRUST_ANALYST)

    @property
    def system(self) -> Principal:
        return Principal.system()

    def uow(self, principal: Principal | None = None) -> FakeUnitOfWork:
        """A unit of work scoped as the API scopes `principal` (unrestricted when None)."""
        return FakeUnitOfWork.for_principal(self.store, principal or self.system)

    # --- reference data ------------------------------------------------------------------
    @property
    def reading(self) -> Strand:
        return self.framework.strands[0]

    @property
    def maths(self) -> Strand:
        return self.framework.strands[1]

    def step(self, number: int) -> Step:
        found = self.framework.step_by_code(f"S{number}")
        assert found is not None
        return found

    @property
    def foreign_step(self) -> Step:
        return self.foreign_framework.steps[0]

    @property
    def foreign_reading(self) -> Strand:
        return self.foreign_framework.strands[0]
