"""The pupils feature's tables. The conventions every table follows are in
persistence.tables and persistence.columns."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Index,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY as PG_ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlmodel import Field

from domain.pupils.group import GroupKind
from domain.pupils.pupil import CharacteristicKind, Gender, Registration
from persistence.columns import (
    TableModel,
    change_xid_column,
    changes_index,
    created_column,
    one_of,
    tenant_fk,
)


class PupilRow(TableModel, table=True):
    __tablename__ = "pupils"
    __table_args__ = (
        one_of("gender", "gender", Gender),
        Index(
            "uq_pupils_school_id_upn",
            "school_id",
            "upn",
            unique=True,
            postgresql_where=text("upn IS NOT NULL AND deleted_at IS NULL"),
        ),
        Index(
            "uq_pupils_school_id_mis_id",
            "school_id",
            "mis_id",
            unique=True,
            postgresql_where=text("mis_id IS NOT NULL AND deleted_at IS NULL"),
        ),
        Index("ix_pupils_school_id_year_group", "school_id", "year_group"),
        changes_index("pupils"),
    )

    school_id: uuid.UUID = Field(primary_key=True, foreign_key="schools.id")
    id: uuid.UUID = Field(primary_key=True)
    upn: str | None = None
    mis_id: str | None = None
    forename: str
    surname: str
    date_of_birth: date
    gender: str
    year_group: str
    pathway: str | None = None
    version: int = 1
    deleted_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    created_at: datetime = created_column()
    change_xid: int | None = change_xid_column()


class CharacteristicRow(TableModel, table=True):
    __tablename__ = "pupil_characteristics"
    __table_args__ = (
        tenant_fk(["pupil_id"], "pupils", ondelete="CASCADE"),
        one_of("kind", "kind", CharacteristicKind),
        Index("ix_pupil_characteristics_school_id_pupil_id", "school_id", "pupil_id"),
    )

    school_id: uuid.UUID = Field(primary_key=True)
    id: uuid.UUID = Field(primary_key=True)
    pupil_id: uuid.UUID
    position: int  # the order the school gave them in
    kind: str
    value: str | None = None
    rank: int | None = None
    start_on: date
    end_on: date | None = None


class EnrolmentRow(TableModel, table=True):
    __tablename__ = "enrolments"
    __table_args__ = (
        tenant_fk(["pupil_id"], "pupils", ondelete="CASCADE"),
        one_of("registration", "registration", Registration),
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="dates"),
        Index("ix_enrolments_school_id_pupil_id", "school_id", "pupil_id"),
    )

    school_id: uuid.UUID = Field(primary_key=True)
    id: uuid.UUID = Field(primary_key=True)
    pupil_id: uuid.UUID
    position: int
    joined_on: date
    left_on: date | None = None
    registration: str


class TeachingGroupRow(TableModel, table=True):
    __tablename__ = "teaching_groups"
    __table_args__ = (
        one_of("kind", "kind", GroupKind),
        UniqueConstraint("school_id", "academic_year", "name"),
        changes_index("teaching_groups"),
    )

    school_id: uuid.UUID = Field(primary_key=True, foreign_key="schools.id")
    id: uuid.UUID = Field(primary_key=True)
    name: str
    kind: str
    academic_year: str
    staff_ids: list[uuid.UUID] = Field(
        default_factory=list,
        sa_column=Column(PG_ARRAY(PG_UUID(as_uuid=True)), nullable=False, server_default="{}"),
    )
    version: int = 1
    change_xid: int | None = change_xid_column()


class GroupMembershipRow(TableModel, table=True):
    __tablename__ = "group_memberships"
    __table_args__ = (
        tenant_fk(["group_id"], "teaching_groups"),
        tenant_fk(["pupil_id"], "pupils"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates"),
        Index("ix_group_memberships_school_id_group_id", "school_id", "group_id"),
        Index("ix_group_memberships_school_id_pupil_id", "school_id", "pupil_id"),
        changes_index("group_memberships"),
    )

    school_id: uuid.UUID = Field(primary_key=True)
    id: uuid.UUID = Field(primary_key=True)
    group_id: uuid.UUID
    pupil_id: uuid.UUID
    starts_on: date
    ends_on: date | None = None
    version: int = 1
    change_xid: int | None = change_xid_column()
