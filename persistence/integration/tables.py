"""The integration feature's tables. The conventions every table follows are in
persistence.tables and persistence.columns."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Identity,
    Index,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from domain.integration.audit import ActorKind, AuditAction
from domain.integration.changes import feed_order
from persistence.columns import TableModel, change_xid_column, created_column, one_of
from persistence.xid8 import Xid8


class IdempotencyRecordRow(TableModel, table=True):
    """The first answer to a request carrying an Idempotency-Key, replayed on retries."""

    __tablename__ = "idempotency_records"

    school_id: uuid.UUID = Field(primary_key=True, foreign_key="schools.id")
    key: str = Field(primary_key=True)
    resource: str
    request_digest: str
    report: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class AuditEntryRow(TableModel, table=True):
    """Who changed which row, when: written by triggers (migration 0008), never by the app."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        one_of("actor_kind", "actor_kind", ActorKind),
        one_of("action", "action", AuditAction),
        Index("ix_audit_entries_school_id_record_id", "school_id", "record_id"),
    )

    school_id: uuid.UUID = Field(primary_key=True, foreign_key="schools.id")
    id: int = Field(sa_column=Column(BigInteger, Identity(always=True), primary_key=True))
    at: datetime = created_column()
    actor: str
    actor_name: str
    actor_kind: str
    action: str
    resource: str
    record_id: uuid.UUID | None = None
    changes: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    import_ref: str | None = None


class ChangeCommitRow(TableModel, table=True):
    """A writing transaction and its position in commit order (migration 0007): numbered at
    commit by the database, read by the change feed. Holds no tenant data."""

    __tablename__ = "change_commits"
    __table_args__ = (Index("uq_change_commits_position", "position", unique=True),)

    xid: int = Field(sa_column=Column(Xid8(), primary_key=True))
    position: int | None = Field(default=None, sa_column=Column(BigInteger))
    committed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class ChangeTombstoneRow(TableModel, table=True):
    """A deleted row of a tracked table, for the change feed (written by trigger, 0007)."""

    __tablename__ = "change_tombstones"
    __table_args__ = (
        CheckConstraint(
            "resource IN (" + ", ".join(f"'{name}'" for name in sorted(feed_order())) + ")",
            name="resource",
        ),
        Index(
            "ix_change_tombstones_school_id_change_xid_resource_id",
            "school_id",
            "change_xid",
            "resource",
            "id",
        ),
    )

    school_id: uuid.UUID = Field(primary_key=True, foreign_key="schools.id")
    resource: str = Field(primary_key=True)
    id: uuid.UUID = Field(primary_key=True)
    change_xid: int | None = change_xid_column()
    deleted_at: datetime = Field(
        sa_column=Column(
            DateTime(timezone=True), nullable=False, server_default=func.clock_timestamp()
        )
    )
