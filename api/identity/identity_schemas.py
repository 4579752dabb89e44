"""Tokens, the caller and staff accounts over HTTP."""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from api.schemas import InOrder, InputModel, ReadModel, reject_null
from domain.kernel.access import Permission, Principal, Role


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int = Field(description="seconds")


class MeOut(BaseModel):
    """Token introspection: who the token speaks for and what it can reach."""

    subject: str
    name: str
    role: Role
    trust_id: uuid.UUID | None
    school_ids: list[uuid.UUID]
    trust_ids: list[uuid.UUID]
    permissions: list[Permission]
    pseudonymised: bool

    @classmethod
    def of(cls, p: Principal) -> "MeOut":
        return cls(
            subject=p.subject,
            name=p.display_name,
            role=p.role,
            trust_id=p.trust_id,
            school_ids=sorted(p.school_ids),
            trust_ids=sorted(p.trust_ids),
            permissions=sorted(p.permissions),
            pseudonymised=p.pseudonymised,
        )


class UserIn(InputModel):
    email: str = Field(max_length=254, examples=["j.smith@milestone.example"])
    name: str = Field(min_length=1, max_length=200)
    role: Role
    password: str = Field(min_length=1, max_length=200)
    trust_id: uuid.UUID | None = Field(default=None, description="for trust_admin / trust_analyst")
    school_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=200, description="for school roles"
    )


class UserUpdateIn(InputModel):
    """Only the fields that change. A new role or scope ends the account's tokens."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    trust_id: uuid.UUID | None = Field(default=None, description="for trust roles")
    school_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=200, description="for school roles"
    )

    _not_null = field_validator("name", "role", "school_ids")(reject_null)


class PasswordResetIn(InputModel):
    new_password: str = Field(min_length=1, max_length=200)


class PasswordChangeIn(InputModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


class UserOut(ReadModel):
    id: uuid.UUID
    email: str
    name: str
    role: Role
    trust_id: uuid.UUID | None
    school_ids: InOrder[uuid.UUID]
    active: bool
    version: int


class ClientIn(InputModel):
    name: str = Field(min_length=1, max_length=200, examples=["MIS sync"])
    permissions: list[Permission] = Field(
        max_length=10,
        description="read_roster, write_roster, write_assessment, read_analytics",
        examples=[["read_roster", "write_assessment"]],
    )
    trust_id: uuid.UUID | None = Field(
        default=None, description="a trust-wide client (trust admins only)..."
    )
    school_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=200, description="...or one scoped to these schools"
    )


class ClientOut(ReadModel):
    """A client as admins see it: never its secret, nor the secret's hash."""

    id: uuid.UUID
    client_id: str
    name: str
    permissions: InOrder[Permission]
    trust_id: uuid.UUID | None
    school_ids: InOrder[uuid.UUID]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    active: bool


class IssuedClientOut(ClientOut):
    client_secret: str = Field(
        description="shown in this response only: Stepwise keeps just its hash"
    )
