"""The assessment feature's tables. The conventions every table follows are in
persistence.tables and persistence.columns."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    Index,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field

from domain.assessment.judgement import JudgementKind, ModerationState
from persistence.columns import (
    TableModel,
    change_xid_column,
    changes_index,
    created_column,
    one_of,
    tenant_fk,
)


class FrameworkRow(TableModel, table=True):
    __tablename__ = "frameworks"
    __table_args__ = (
        CheckConstraint("(trust_id IS NULL) <> (school_id IS NULL)", name="one_owner"),
    )

    id: uuid.UUID = Field(primary_key=True)
    trust_id: uuid.UUID | None = Field(default=None, foreign_key="trusts.id", index=True)
    school_id: uuid.UUID | None = Field(default=None, foreign_key="schools.id", index=True)
    name: str
    description: str = ""
    version: int = 1
    created_at: datetime = created_column()


class StrandRow(TableModel, table=True):
    __tablename__ = "strands"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: uuid.UUID = Field(primary_key=True)
    framework_id: uuid.UUID = Field(foreign_key="frameworks.id", ondelete="CASCADE", index=True)
    code: str
    name: str
    position: int


class StepRow(TableModel, table=True):
    __tablename__ = "steps"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: uuid.UUID = Field(primary_key=True)
    framework_id: uuid.UUID = Field(foreign_key="frameworks.id", ondelete="CASCADE", index=True)
    code: str
    label: str
    value: float = Field(sa_column=Column(Float, nullable=False))


class ModuleRow(TableModel, table=True):
    __tablename__ = "modules"
    __table_args__ = (
        UniqueConstraint("school_id", "academic_year", "sequence"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
    )

    school_id: uuid.UUID = Field(primary_key=True, foreign_key="schools.id")
    id: uuid.UUID = Field(primary_key=True)
    academic_year: str
    sequence: int
    name: str
    starts_on: date
    ends_on: date
    version: int = 1


class JudgementRow(TableModel, table=True):
    __tablename__ = "judgements"
    __table_args__ = (
        tenant_fk(["pupil_id"], "pupils"),
        tenant_fk(["module_id"], "modules"),
        UniqueConstraint("school_id", "pupil_id", "strand_id", "module_id"),
        one_of("kind", "kind", JudgementKind),
        one_of("moderation_state", "moderation_state", ModerationState),
        Index("ix_judgements_school_id_module_id_strand_id", "school_id", "module_id", "strand_id"),
        # a pupil's judgements on a strand in date order: baselines and progress over time
        Index(
            "ix_judgements_school_id_pupil_id_strand_id_assessed_on",
            "school_id",
            "pupil_id",
            "strand_id",
            "assessed_on",
        ),
        # a pupil-strand's baseline in one index-only probe (migration 0005 says why
        # pupil_id leads and school_id is only included)
        Index(
            "ix_judgements_baselines",
            "pupil_id",
            "strand_id",
            "assessed_on",
            "id",
            postgresql_include=["school_id", "step_id", "moderation_state", "moderated_step_id"],
            postgresql_where=text("kind = 'baseline'"),
        ),
        changes_index("judgements"),
    )

    school_id: uuid.UUID = Field(primary_key=True)
    id: uuid.UUID = Field(primary_key=True)
    pupil_id: uuid.UUID
    strand_id: uuid.UUID = Field(foreign_key="strands.id")
    module_id: uuid.UUID
    step_id: uuid.UUID = Field(foreign_key="steps.id")
    kind: str
    assessed_on: date
    assessor: str
    note: str = ""
    evidence: list[str] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(Text), nullable=False, server_default="{}"),
    )
    moderation_state: str
    moderated_step_id: uuid.UUID | None = Field(default=None, foreign_key="steps.id")
    moderator: str | None = None
    moderated_on: date | None = None
    recorded_by: str
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    version: int = 1
    change_xid: int | None = change_xid_column()


class JudgementRevisionRow(TableModel, table=True):
    """Previous states of judgements; kept after the judgement itself is deleted."""

    __tablename__ = "judgement_revisions"
    __table_args__ = (
        Index("ix_judgement_revisions_school_id_judgement_id", "school_id", "judgement_id"),
        Index("ix_judgement_revisions_school_id_pupil_id", "school_id", "pupil_id"),
    )

    school_id: uuid.UUID = Field(primary_key=True, foreign_key="schools.id")
    id: uuid.UUID = Field(primary_key=True)
    judgement_id: uuid.UUID
    # set from the judgement by trigger (migration 0009), so subject access and erasure
    # find a deleted judgement's history by pupil
    pupil_id: uuid.UUID | None = None
    version: int
    step_id: uuid.UUID = Field(foreign_key="steps.id")
    kind: str
    assessed_on: date
    assessor: str
    note: str
    moderation_state: str
    moderated_step_id: uuid.UUID | None = Field(default=None, foreign_key="steps.id")
    moderator: str | None = None
    moderated_on: date | None = None
    changed_by: str
    changed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    reason: str
