"""Who is asking, and what they may do.

A Principal is built by an adapter from a verified token. Scope is a set of
school ids: trust roles see every school of their trust, school roles the
schools named on their account, integration clients what their admin granted.
Use cases call `require` before touching data; repositories additionally filter
by `school_ids`, and PostgreSQL row-level security is the last wall.
"""

import enum
import uuid
from dataclasses import dataclass

from domain.kernel.errors import PermissionDenied


class Role(enum.StrEnum):
    TRUST_ADMIN = "trust_admin"
    TRUST_ANALYST = "trust_analyst"
    SCHOOL_ADMIN = "school_admin"
    TEACHER = "teacher"
    INTEGRATION = "integration"

    @property
    def is_trust_role(self) -> bool:
        return self in (Role.TRUST_ADMIN, Role.TRUST_ANALYST)


class Permission(enum.StrEnum):
    READ_ROSTER = "read_roster"
    WRITE_ROSTER = "write_roster"
    WRITE_ASSESSMENT = "write_assessment"
    READ_ANALYTICS = "read_analytics"
    MANAGE_SCHOOL = "manage_school"
    MANAGE_TRUST = "manage_trust"


#: What an integration client may be granted; admin permissions are never delegated to machines.
CLIENT_GRANTABLE = frozenset(
    {
        Permission.READ_ROSTER,
        Permission.WRITE_ROSTER,
        Permission.WRITE_ASSESSMENT,
        Permission.READ_ANALYTICS,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.TRUST_ADMIN: frozenset(Permission),
    Role.TRUST_ANALYST: frozenset({Permission.READ_ROSTER, Permission.READ_ANALYTICS}),
    Role.SCHOOL_ADMIN: frozenset(Permission) - {Permission.MANAGE_TRUST},
    Role.TEACHER: frozenset(
        {Permission.READ_ROSTER, Permission.WRITE_ASSESSMENT, Permission.READ_ANALYTICS}
    ),
    Role.INTEGRATION: frozenset(),  # granted per client
}


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller with a resolved scope."""

    subject: str
    role: Role
    school_ids: frozenset[uuid.UUID]
    permissions: frozenset[Permission]
    trust_id: uuid.UUID | None = None  # the trust a trust-level role administers
    trust_ids: frozenset[uuid.UUID] = frozenset()  # trusts visible through school_ids
    display_name: str = ""
    unrestricted: bool = False  # only the CLI's system principal

    @classmethod
    def system(cls) -> "Principal":
        """The operator at the command line: every school, every permission, no RLS."""
        return cls(
            subject="system",
            role=Role.TRUST_ADMIN,
            school_ids=frozenset(),
            permissions=frozenset(Permission),
            display_name="system",
            unrestricted=True,
        )

    @property
    def pseudonymised(self) -> bool:
        """Analysts see pupils through stable pseudonyms, never names, dates of birth or UPNs."""
        return self.role is Role.TRUST_ANALYST

    def can_see(self, school_id: uuid.UUID) -> bool:
        return self.unrestricted or school_id in self.school_ids

    def can_see_trust(self, trust_id: uuid.UUID) -> bool:
        return self.unrestricted or trust_id in self.trust_ids or trust_id == self.trust_id

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission, school_id: uuid.UUID | None = None) -> None:
        """Refuse unless the caller holds `permission` (in `school_id`, when given)."""
        if permission not in self.permissions:
            raise PermissionDenied(f"requires the {permission.value} permission")
        if school_id is not None and not self.can_see(school_id):
            raise PermissionDenied("school is outside the caller's scope")

    def require_trust(self, permission: Permission, trust_id: uuid.UUID) -> None:
        if permission not in self.permissions:
            raise PermissionDenied(f"requires the {permission.value} permission")
        if not self.unrestricted and self.trust_id != trust_id:
            raise PermissionDenied("trust is outside the caller's scope")
