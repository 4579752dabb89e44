"""People and machines that sign in: staff users and integration clients."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from domain.kernel.access import CLIENT_GRANTABLE, Permission, Role
from domain.kernel.errors import Problem

#: why an address cannot have a new account, whether that account is the caller's to see or not
EMAIL_UNAVAILABLE = (
    "this e-mail address cannot be given a new account: if the person already signs in to"
    " Stepwise, an administrator of their account can add your school to it"
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(slots=True)
class User:
    id: uuid.UUID
    email: str
    name: str
    role: Role
    password_hash: str
    trust_id: uuid.UUID | None = None
    school_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    active: bool = True
    version: int = 1
    #: written into each token the user is given; moving it on ends every one they hold
    token_generation: int = 1

    def __post_init__(self) -> None:
        self.email = self.email.strip().lower()

    def end_tokens(self) -> None:
        """Every token issued so far stops working (checked as each request is resolved)."""
        self.token_generation += 1

    def problems(self) -> list[Problem]:
        return _scope_problems(self.role, self.trust_id, self.school_ids, self.email)


@dataclass(slots=True)
class IntegrationClient:
    """A machine credential (client_credentials grant) scoped to a trust or schools."""

    id: uuid.UUID
    client_id: str
    name: str
    secret_hash: str
    permissions: frozenset[Permission]
    created_at: datetime
    trust_id: uuid.UUID | None = None
    school_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        if not self.name.strip():
            found.append(Problem("name", "must not be blank", "blank"))
        if not self.permissions:
            found.append(Problem("permissions", "grant at least one permission", "required"))
        if extra := self.permissions - CLIENT_GRANTABLE:
            names = ", ".join(sorted(p.value for p in extra))
            found.append(Problem("permissions", f"cannot be granted to a client: {names}", "grant"))
        if (self.trust_id is None) == (not self.school_ids):
            found.append(Problem("scope", "scope a client to a trust or to schools", "scope"))
        return found


def _scope_problems(
    role: Role, trust_id: uuid.UUID | None, school_ids: frozenset[uuid.UUID], email: str
) -> list[Problem]:
    found: list[Problem] = []
    if not _EMAIL.match(email):
        found.append(Problem("email", "not an email address", "email"))
    if role is Role.INTEGRATION:
        found.append(Problem("role", "integration is for clients, not users", "role"))
    elif role.is_trust_role and trust_id is None:
        found.append(Problem("trust_id", f"a {role.value} belongs to a trust", "scope"))
    elif not role.is_trust_role and not school_ids:
        found.append(
            Problem("school_ids", f"a {role.value} belongs to one or more schools", "scope")
        )
    return found
