"""The targets feature's tables. The conventions every table follows are in
persistence.tables and persistence.columns."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    UniqueConstraint,
    text,
)
from sqlmodel import Field

from domain.targets.target import OutcomeRating, OutcomeSource, OutcomeStatus, TargetStatus, Term
from persistence.columns import (
    TableModel,
    change_xid_column,
    changes_index,
    one_of,
    tenant_fk,
)


class TargetRow(TableModel, table=True):
    __tablename__ = "targets"
    __table_args__ = (
        tenant_fk(["pupil_id"], "pupils"),
        one_of("status", "status", TargetStatus),
        Index(
            "uq_targets_current",
            "school_id",
            "pupil_id",
            "strand_id",
            "academic_year",
            unique=True,
            postgresql_where=text("status IN ('active', 'too_challenging', 'met')"),
        ),
        changes_index("targets"),
    )

    school_id: uuid.UUID = Field(primary_key=True)
    id: uuid.UUID = Field(primary_key=True)
    pupil_id: uuid.UUID
    strand_id: uuid.UUID = Field(foreign_key="strands.id")
    academic_year: str
    step_id: uuid.UUID = Field(foreign_key="steps.id")
    set_on: date
    set_by: str
    rationale: str = ""
    status: str
    supersedes_id: uuid.UUID | None = None
    version: int = 1
    change_xid: int | None = change_xid_column()


class TargetRevisionRow(TableModel, table=True):
    __tablename__ = "target_revisions"
    __table_args__ = (
        tenant_fk(["target_id"], "targets", ondelete="CASCADE"),
        Index("ix_target_revisions_school_id_target_id", "school_id", "target_id"),
    )

    school_id: uuid.UUID = Field(primary_key=True)
    id: uuid.UUID = Field(primary_key=True)
    target_id: uuid.UUID
    changed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    changed_by: str
    status: str
    step_id: uuid.UUID = Field(foreign_key="steps.id")
    reason: str


class OutcomeTargetRow(TableModel, table=True):
    __tablename__ = "outcome_targets"
    __table_args__ = (
        tenant_fk(["pupil_id"], "pupils"),
        one_of("source", "source", OutcomeSource),
        one_of("status", "status", OutcomeStatus),
        Index("ix_outcome_targets_school_id_pupil_id", "school_id", "pupil_id"),
    )

    school_id: uuid.UUID = Field(primary_key=True)
    id: uuid.UUID = Field(primary_key=True)
    pupil_id: uuid.UUID
    source: str
    area: str
    text: str
    set_on: date
    due_on: date | None = None
    status: str
    version: int = 1


class OutcomeEvaluationRow(TableModel, table=True):
    __tablename__ = "outcome_evaluations"
    __table_args__ = (
        tenant_fk(["outcome_id"], "outcome_targets", ondelete="CASCADE"),
        UniqueConstraint("school_id", "outcome_id", "academic_year", "term"),
        one_of("term", "term", Term),
        one_of("rating", "rating", OutcomeRating),
    )

    school_id: uuid.UUID = Field(primary_key=True)
    id: uuid.UUID = Field(primary_key=True)
    outcome_id: uuid.UUID
    academic_year: str
    term: str
    rating: str
    evaluated_on: date
    evaluated_by: str
    note: str = ""
