"""The identity feature's tables. The conventions every table follows are in
persistence.tables and persistence.columns."""

import uuid
from datetime import datetime

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    Column,
    DateTime,
    Text,
)
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlmodel import Field

from domain.kernel.access import Permission, Role
from persistence.columns import (
    TableModel,
    created_column,
    one_of,
)


class UserRow(TableModel, table=True):
    __tablename__ = "users"
    __table_args__ = (one_of("role", "role", Role),)

    id: uuid.UUID = Field(primary_key=True)
    email: str = Field(unique=True)
    name: str
    role: str
    password_hash: str
    trust_id: uuid.UUID | None = Field(default=None, foreign_key="trusts.id", index=True)
    school_ids: list[uuid.UUID] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(PG_UUID(as_uuid=True)), nullable=False, server_default="{}"),
    )
    active: bool = True
    version: int = 1
    #: moved on whenever the user's tokens must end (migration 0010)
    token_generation: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = created_column()


class SignInFailureRow(TableModel, table=True):
    """Failed sign-ins of one account (a hash of the e-mail or client id) or one client
    address, and when the next attempt may be made (migration 0010)."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (CheckConstraint("scope IN ('account', 'address')", name="scope"),)

    scope: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    failures: int
    last_failed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    blocked_until: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class IntegrationClientRow(TableModel, table=True):
    __tablename__ = "integration_clients"
    __table_args__ = (
        CheckConstraint(
            "permissions <@ ARRAY[" + ", ".join(f"'{p.value}'" for p in Permission) + "]::text[]",
            name="permissions",
        ),
    )

    id: uuid.UUID = Field(primary_key=True)
    client_id: str = Field(unique=True)
    name: str
    secret_hash: str
    permissions: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    trust_id: uuid.UUID | None = Field(default=None, foreign_key="trusts.id", index=True)
    school_ids: list[uuid.UUID] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(PG_UUID(as_uuid=True)), nullable=False, server_default="{}"),
    )
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
