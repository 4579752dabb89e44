"""Building leavers for measure and destination tests, through the real use cases.

A leaver is a pupil with an enrolment, a destination record (the leaving record measures
read: date and year group at leaving) and any qualification entries.
"""

import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from api.runtime import Runtime
from domain.identity import identity_service as identity
from domain.kernel.access import Principal, Role
from domain.organisation import organisation_service as organisation
from domain.organisation.organisation import School, SchoolType, Trust
from domain.outcomes import destination_service as destinations
from domain.outcomes import qualification_service as qualifications
from domain.outcomes.destination import DestinationCategory
from domain.outcomes.qualification import EntryStatus, QualificationKind, QualificationLevel
from domain.pupils import pupil_service as pupils
from domain.pupils.pupil import Characteristic, CharacteristicKind, Enrolment, Gender, Pupil
from tests.factories import PASSWORD, make_upn, make_urn

SYSTEM = Principal.system()
_names = itertools.count(1)

L1 = QualificationLevel.LEVEL_1
E2 = QualificationLevel.ENTRY_2
E3 = QualificationLevel.ENTRY_3

#: Five Level 1 passes including English and maths: a Premier leaver's results.
FIVE_LEVEL_1 = ((L1, "English"), (L1, "Maths"), (L1, "Science"), (L1, "ICT"), (L1, "Art"))
#: Three Level 1 passes, and English and maths at Entry level: a Preliminary leaver's.
THREE_LEVEL_1_WITH_ENGLISH_AND_MATHS = (
    (L1, "Science"),
    (L1, "ICT"),
    (L1, "Art"),
    (E3, "English"),
    (E2, "Mathematics"),
)


@dataclass
class LeaverSchool:
    """A trust with one school, and tokens for the roles the test asks for."""

    runtime: Runtime
    trust: Trust
    school: School
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    @classmethod
    async def build(
        cls,
        runtime: Runtime,
        roles: Sequence[str] = ("school_admin",),
        name: str = "Leicester Partnership",
        trust: Trust | None = None,
    ) -> "LeaverSchool":
        uow = runtime.system_uow
        if trust is None:
            trust = await organisation.create_trust(
                uow(), SYSTEM, organisation.CreateTrust(f"Leaver trust {next(_names)}")
            )
        school = await organisation.create_school(
            uow(),
            SYSTEM,
            organisation.CreateSchool(trust.id, make_urn(), name, SchoolType.ALTERNATIVE_PROVISION),
        )
        made = cls(runtime, trust, school)
        for role_name in roles:
            role = Role(role_name)
            user = await identity.create_user(
                uow(),
                SYSTEM,
                identity.CreateUser(
                    email=f"{role_name}.{uuid.uuid4().hex[:8]}@leavers.test",
                    name=role_name.replace("_", " ").title(),
                    role=role,
                    password=PASSWORD,
                    trust_id=trust.id if role.is_trust_role else None,
                    school_ids=frozenset() if role.is_trust_role else frozenset({school.id}),
                ),
                runtime.hasher,
            )
            made.tokens[role_name] = runtime.tokens.issue(str(user.id), "user", role.value)
        return made

    async def leaver(
        self,
        *,
        joined_on: date = date(2022, 9, 1),
        left_on: date = date(2024, 7, 19),
        year_group: str = "11",
        pupil_premium: bool = False,
        ehcp: bool = False,
        category: DestinationCategory = DestinationCategory.FE_COLLEGE,
        sustained: bool | None = None,
        passes: Sequence[tuple[QualificationLevel, str]] = (),
        fails: Sequence[tuple[QualificationLevel, str]] = (),
        enrolments: Sequence[Enrolment] = (),
    ) -> Pupil:
        characteristics = []
        if pupil_premium:
            characteristics.append(
                Characteristic(CharacteristicKind.PUPIL_PREMIUM, date(2021, 9, 1))
            )
        if ehcp:
            characteristics.append(
                Characteristic(CharacteristicKind.SEN_PROVISION, date(2019, 9, 1), value="E")
            )
        uow = self.runtime.system_uow
        pupil = await pupils.enrol_pupil(
            uow(),
            SYSTEM,
            pupils.EnrolPupil(
                school_id=self.school.id,
                forename=f"Leaver{next(_names)}",
                surname="Tested",
                date_of_birth=date(2008, 3, 1),
                gender=Gender.MALE,
                year_group=year_group,
                upn=make_upn(),
                characteristics=characteristics,
                enrolments=list(enrolments) or [Enrolment(joined_on, left_on)],
            ),
        )
        await destinations.record_destination(
            uow(),
            SYSTEM,
            destinations.RecordDestination(
                pupil.id, left_on, category, year_group_at_leaving=year_group, sustained=sustained
            ),
        )
        results = [(level, subject, "pass") for level, subject in passes]
        results += [(level, subject, "fail") for level, subject in fails]
        for level, subject, result in results:
            await qualifications.record_entry(
                uow(),
                SYSTEM,
                qualifications.RecordEntry(
                    pupil_id=pupil.id,
                    awarding_body="NCFE",
                    title=f"{subject} {level.value}",
                    subject=subject,
                    level=level,
                    kind=QualificationKind.FUNCTIONAL_SKILLS,
                    status=EntryStatus.COMPLETED,
                    result=result,
                    awarded_on=date(left_on.year, 8, 22),
                ),
            )
        return pupil
