"""The outcomes feature's tables. The conventions every table follows are in
persistence.tables and persistence.columns."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    Column,
    Index,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field

from domain.outcomes.attendance import Session
from domain.outcomes.destination import DestinationCategory
from domain.outcomes.measure import Subgroup
from domain.outcomes.qualification import EntryStatus, QualificationKind, QualificationLevel
from persistence.columns import (
    TableModel,
    change_xid_column,
    changes_index,
    created_column,
    one_of,
    tenant_fk,
)


class DestinationRow(TableModel, table=True):
    __tablename__ = "destinations"
    __table_args__ = (
        tenant_fk(["pupil_id"], "pupils"),
        UniqueConstraint("school_id", "pupil_id", "left_on"),
        one_of("category", "category", DestinationCategory),
        changes_index("destinations"),
    )

    school_id: uuid.UUID = Field(primary_key=True)
    id: uuid.UUID = Field(primary_key=True)
    pupil_id: uuid.UUID
    left_on: date
    year_group_at_leaving: str
    category: str
    provider: str = ""
    sustained: bool | None = None
    version: int = 1
    change_xid: int | None = change_xid_column()


class AttendanceMarkRow(TableModel, table=True):
    """One register mark; the code's statistical category is domain data (domain.attendance)."""

    __tablename__ = "attendance_marks"
    __table_args__ = (
        tenant_fk(["pupil_id"], "pupils"),
        UniqueConstraint("school_id", "pupil_id", "session_date", "session"),
        one_of("session", "session", Session),
        # a school's registers over a period: every summary scans by date
        Index("ix_attendance_marks_school_id_session_date", "school_id", "session_date"),
        changes_index("attendance_marks"),
    )

    school_id: uuid.UUID = Field(primary_key=True)
    id: uuid.UUID = Field(primary_key=True)
    pupil_id: uuid.UUID
    session_date: date
    session: str
    code: str
    change_xid: int | None = change_xid_column()


class QualificationEntryRow(TableModel, table=True):
    __tablename__ = "qualification_entries"
    __table_args__ = (
        tenant_fk(["pupil_id"], "pupils"),
        one_of("level", "level", QualificationLevel),
        one_of("kind", "kind", QualificationKind),
        one_of("status", "status", EntryStatus),
        Index("ix_qualification_entries_school_id_pupil_id", "school_id", "pupil_id"),
        changes_index("qualification_entries"),
    )

    school_id: uuid.UUID = Field(primary_key=True)
    id: uuid.UUID = Field(primary_key=True)
    pupil_id: uuid.UUID
    awarding_body: str
    title: str
    subject: str = ""
    level: str
    kind: str
    status: str
    result: str | None = None
    awarded_on: date | None = None
    version: int = 1
    change_xid: int | None = change_xid_column()


class MeasureDefinitionRow(TableModel, table=True):
    __tablename__ = "measure_definitions"
    __table_args__ = (
        CheckConstraint("(trust_id IS NULL) <> (school_id IS NULL)", name="one_owner"),
        one_of("min_level", "min_level", QualificationLevel),
        CheckConstraint(
            "subgroups <@ ARRAY[" + ", ".join(f"'{s.value}'" for s in Subgroup) + "]::text[]",
            name="subgroups",
        ),
    )

    id: uuid.UUID = Field(primary_key=True)
    trust_id: uuid.UUID | None = Field(default=None, foreign_key="trusts.id", index=True)
    school_id: uuid.UUID | None = Field(default=None, foreign_key="schools.id", index=True)
    name: str
    description: str = ""
    year_group_at_leaving: str
    min_terms_on_programme: int
    programme_years: int
    min_qualifications: int
    min_level: str
    require_english_and_maths: bool
    excluding_id: uuid.UUID | None = Field(default=None, foreign_key="measure_definitions.id")
    subgroups: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    version: int = 1
    created_at: datetime = created_column()
