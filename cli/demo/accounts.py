"""The demo's sign-ins: one account per role, with passwords documented here and printed.

These passwords are public by design; never load the demo where real pupils' data lives.
"""

from dataclasses import dataclass

from cli.demo.schools import BROOKFIELD, EMAIL_DOMAIN, MILESTONE, RIVERSIDE, SchoolPlan
from domain.kernel.access import Permission, Role


@dataclass(frozen=True, slots=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    password: str
    school: SchoolPlan | None = None


def _staff(school: SchoolPlan, admin: str, teacher: str) -> list[DemoAccount]:
    return [
        DemoAccount(
            f"{school.key}.admin@{EMAIL_DOMAIN}",
            admin,
            Role.SCHOOL_ADMIN,
            "demo-school-admin",
            school,
        ),
        DemoAccount(
            f"{school.key}.teacher@{EMAIL_DOMAIN}", teacher, Role.TEACHER, "demo-teacher", school
        ),
    ]


ACCOUNTS = [
    DemoAccount(f"trust.admin@{EMAIL_DOMAIN}", "Helen Marsh", Role.TRUST_ADMIN, "demo-trust-admin"),
    DemoAccount(
        f"trust.analyst@{EMAIL_DOMAIN}", "Priya Nair", Role.TRUST_ANALYST, "demo-trust-analyst"
    ),
    *_staff(MILESTONE, "Sarah Whitlock", "Jo Holloway"),
    *_staff(RIVERSIDE, "Marcus Reid", "Kemi Adebayo"),
    *_staff(BROOKFIELD, "Gillian Lidstone", "Emma Swaffer"),
]

CLIENT_NAME = "Milestone MIS sync"
CLIENT_SCHOOL = MILESTONE
CLIENT_PERMISSIONS = frozenset(
    {Permission.READ_ROSTER, Permission.WRITE_ROSTER, Permission.WRITE_ASSESSMENT}
)
