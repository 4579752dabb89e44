"""The demo trust and its three schools, as the seed documents describe such schools."""

from collections.abc import Callable
from dataclasses import dataclass

from cli.demo.calendar import Window, half_terms, six_weekly_points
from cli.demo.scales import Scale
from domain.kernel.calendar import AcademicYear
from domain.organisation.organisation import SchoolType, TrustKind

TRUST_NAME = "Weald & Downs Learning Trust"
TRUST_KIND = TrustKind.MULTI_ACADEMY_TRUST
EMAIL_DOMAIN = "wealddowns.example"


@dataclass(frozen=True, slots=True)
class SchoolPlan:
    key: str
    urn: str
    name: str
    type: SchoolType
    establishment: str  # DfE establishment number within LA 886, for temporary UPNs
    first_admission: int  # where the MIS admission numbers start
    windows: Callable[[AcademicYear], list[Window]]
    scale: Scale  # the framework pupils are judged and targeted on

    @property
    def evidence_base(self) -> str:
        return f"https://evidence.{self.key}.{EMAIL_DOMAIN}"


MILESTONE = SchoolPlan(
    "milestone",
    "149901",
    "Milestone Park Academy",
    SchoolType.SPECIAL,
    "7021",
    2100,
    half_terms,
    Scale.SMALL_STEPS,
)
RIVERSIDE = SchoolPlan(
    "riverside",
    "149902",
    "Riverside Pupil Referral Unit",
    SchoolType.ALTERNATIVE_PROVISION,
    "1102",
    8800,
    six_weekly_points,
    Scale.FUNCTIONAL_SKILLS,
)
BROOKFIELD = SchoolPlan(
    "brookfield",
    "149903",
    "Brookfield School",
    SchoolType.SPECIAL,
    "7054",
    5400,
    half_terms,
    Scale.BROOK,
)
SCHOOLS = [MILESTONE, RIVERSIDE, BROOKFIELD]
