"""SQLModel tables. They store; the domain validates.

Tenant tables carry `school_id` first in every primary key, unique constraint
and foreign key, so a row can only ever point at rows of its own school and
the schema can be distributed by school with Citus. Organisation and identity
tables (trusts, schools, frameworks, strands, steps, users, clients) are small
reference tables: see REFERENCE_TABLES and docs in README.
"""

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKeyConstraint,
    Identity,
    Index,
    MetaData,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlmodel import Field, SQLModel

from domain.access import Permission, Role
from domain.attendance import Session
from domain.audit import ActorKind, AuditAction
from domain.destination import DestinationCategory
from domain.judgement import JudgementKind, ModerationState
from domain.measure import Subgroup
from domain.organisation import SchoolType, TrustKind
from domain.progress import KeyStage, ModelKind
from domain.pupil import CharacteristicKind, Gender, Registration
from domain.qualification import EntryStatus, QualificationKind, QualificationLevel
from domain.target import OutcomeRating, OutcomeSource, OutcomeStatus, TargetStatus, Term
from persistence.xid8 import Xid8

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata

#: Tables replicated whole to every node under Citus (no school_id distribution key).
REFERENCE_TABLES = frozenset(
    {
        "trusts",
        "schools",
        "frameworks",
        "strands",
        "steps",
        "users",
        "integration_clients",
        "progress_models",
        "progress_rate_rules",
        "progress_reference_cells",
        "measure_definitions",
        "change_commits",  # transaction ids and positions only (migration 0007)
        "sign_in_failures",  # hashed account keys and client addresses (migration 0010)
    }
)


def one_of(name: str, column: str, values: type[enum.StrEnum]) -> CheckConstraint:
    listed = ", ".join(f"'{v.value}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


def _created() -> Any:
    return Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    )


def _change_xid() -> Any:
    """The transaction that last wrote the row, for the change feed (migration 0007): the
    database sets it, on insert by default and on update by trigger."""
    return Field(
        default=None,
        sa_column=Column(Xid8(), nullable=False, server_default=text("pg_current_xact_id()")),
    )


def _changes_index(table: str) -> Index:
    """One transaction's rows of one school in id order: a change-feed page (migration 0007)."""
    return Index(f"ix_{table}_school_id_change_xid_id", "school_id", "change_xid", "id")


def _tenant_fk(columns: list[str], table: str, ondelete: str | None = None) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["school_id", *columns], [f"{table}.school_id", f"{table}.id"], ondelete=ondelete
    )


# --- organisation (reference) ---------------------------------------------------------


class TrustRow(SQLModel, table=True):
    __tablename__ = "trusts"
    __table_args__ = (one_of("kind", "kind", TrustKind),)

    id: uuid.UUID = Field(primary_key=True)
    name: str
    kind: str
    version: int = 1
    created_at: datetime = _created()


class SchoolRow(SQLModel, table=True):
    __tablename__ = "schools"
    __table_args__ = (one_of("type", "type", SchoolType),)

    id: uuid.UUID = Field(primary_key=True)
    trust_id: uuid.UUID = Field(foreign_key="trusts.id", index=True)
    urn: str = Field(unique=True)
    name: str
    type: str
    version: int = 1
    created_at: datetime = _created()
    # SEN records kept to date of birth + this many years (migration 0009)
    sen_retention_years: int = Field(default=31, sa_column_kwargs={"server_default": "31"})


class FrameworkRow(SQLModel, table=True):
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
    created_at: datetime = _created()


class StrandRow(SQLModel, table=True):
    __tablename__ = "strands"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: uuid.UUID = Field(primary_key=True)
    framework_id: uuid.UUID = Field(foreign_key="frameworks.id", ondelete="CASCADE", index=True)
    code: str
    name: str
    position: int


class StepRow(SQLModel, table=True):
    __tablename__ = "steps"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: uuid.UUID = Field(primary_key=True)
    framework_id: uuid.UUID = Field(foreign_key="frameworks.id", ondelete="CASCADE", index=True)
    code: str
    label: str
    value: float = Field(sa_column=Column(Float, nullable=False))


# --- identity (reference) ---------------------------------------------------------------


class UserRow(SQLModel, table=True):
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
    created_at: datetime = _created()


class SignInFailureRow(SQLModel, table=True):
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


class IntegrationClientRow(SQLModel, table=True):
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


# --- pupils (tenant) ------------------------------------------------------------------


class PupilRow(SQLModel, table=True):
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
        _changes_index("pupils"),
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
    created_at: datetime = _created()
    change_xid: int | None = _change_xid()


class CharacteristicRow(SQLModel, table=True):
    __tablename__ = "pupil_characteristics"
    __table_args__ = (
        _tenant_fk(["pupil_id"], "pupils", ondelete="CASCADE"),
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


class EnrolmentRow(SQLModel, table=True):
    __tablename__ = "enrolments"
    __table_args__ = (
        _tenant_fk(["pupil_id"], "pupils", ondelete="CASCADE"),
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


# --- assessment (tenant) ----------------------------------------------------------------


class ModuleRow(SQLModel, table=True):
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


class JudgementRow(SQLModel, table=True):
    __tablename__ = "judgements"
    __table_args__ = (
        _tenant_fk(["pupil_id"], "pupils"),
        _tenant_fk(["module_id"], "modules"),
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
        _changes_index("judgements"),
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
    change_xid: int | None = _change_xid()


class JudgementRevisionRow(SQLModel, table=True):
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


class TargetRow(SQLModel, table=True):
    __tablename__ = "targets"
    __table_args__ = (
        _tenant_fk(["pupil_id"], "pupils"),
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
        _changes_index("targets"),
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
    change_xid: int | None = _change_xid()


class TargetRevisionRow(SQLModel, table=True):
    __tablename__ = "target_revisions"
    __table_args__ = (
        _tenant_fk(["target_id"], "targets", ondelete="CASCADE"),
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


class OutcomeTargetRow(SQLModel, table=True):
    __tablename__ = "outcome_targets"
    __table_args__ = (
        _tenant_fk(["pupil_id"], "pupils"),
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


class OutcomeEvaluationRow(SQLModel, table=True):
    __tablename__ = "outcome_evaluations"
    __table_args__ = (
        _tenant_fk(["outcome_id"], "outcome_targets", ondelete="CASCADE"),
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


class DestinationRow(SQLModel, table=True):
    __tablename__ = "destinations"
    __table_args__ = (
        _tenant_fk(["pupil_id"], "pupils"),
        UniqueConstraint("school_id", "pupil_id", "left_on"),
        one_of("category", "category", DestinationCategory),
        _changes_index("destinations"),
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
    change_xid: int | None = _change_xid()


class AttendanceMarkRow(SQLModel, table=True):
    """One register mark; the code's statistical category is domain data (domain.attendance)."""

    __tablename__ = "attendance_marks"
    __table_args__ = (
        _tenant_fk(["pupil_id"], "pupils"),
        UniqueConstraint("school_id", "pupil_id", "session_date", "session"),
        one_of("session", "session", Session),
        # a school's registers over a period: every summary scans by date
        Index("ix_attendance_marks_school_id_session_date", "school_id", "session_date"),
        _changes_index("attendance_marks"),
    )

    school_id: uuid.UUID = Field(primary_key=True)
    id: uuid.UUID = Field(primary_key=True)
    pupil_id: uuid.UUID
    session_date: date
    session: str
    code: str
    change_xid: int | None = _change_xid()


class QualificationEntryRow(SQLModel, table=True):
    __tablename__ = "qualification_entries"
    __table_args__ = (
        _tenant_fk(["pupil_id"], "pupils"),
        one_of("level", "level", QualificationLevel),
        one_of("kind", "kind", QualificationKind),
        one_of("status", "status", EntryStatus),
        Index("ix_qualification_entries_school_id_pupil_id", "school_id", "pupil_id"),
        _changes_index("qualification_entries"),
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
    change_xid: int | None = _change_xid()


# --- measure definitions (reference: owned by a trust or a school, like frameworks) -------


class MeasureDefinitionRow(SQLModel, table=True):
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
    created_at: datetime = _created()


# --- expected-progress models (reference: they belong to a framework) -------------------


class ProgressModelRow(SQLModel, table=True):
    __tablename__ = "progress_models"
    __table_args__ = (
        UniqueConstraint("lineage", "version"),
        one_of("kind", "kind", ModelKind),
        Index(
            "uq_progress_models_active",
            "framework_id",
            text("coalesce(pathway, '')"),
            unique=True,
            postgresql_where=text("active"),
        ),
    )

    id: uuid.UUID = Field(primary_key=True)
    lineage: uuid.UUID
    version: int
    framework_id: uuid.UUID = Field(foreign_key="frameworks.id", ondelete="CASCADE", index=True)
    name: str
    kind: str
    pathway: str | None = None
    expected_ratio: float = Field(sa_column=Column(Float, nullable=False))
    above_ratio: float = Field(sa_column=Column(Float, nullable=False))
    accelerated_ratio: float = Field(sa_column=Column(Float, nullable=False))
    maintenance_counts_as_expected: bool
    start_band_width: float = Field(sa_column=Column(Float, nullable=False))
    age_band_years: int
    match_primary_need: bool
    min_peers: int
    active: bool
    created_at: datetime = _created()


class RateRuleRow(SQLModel, table=True):
    __tablename__ = "progress_rate_rules"
    __table_args__ = (one_of("key_stage", "key_stage", KeyStage),)

    id: uuid.UUID = Field(primary_key=True)
    model_id: uuid.UUID = Field(foreign_key="progress_models.id", ondelete="CASCADE", index=True)
    start_min: float = Field(sa_column=Column(Float, nullable=False))
    start_max: float = Field(sa_column=Column(Float, nullable=False))
    rate_per_year: float = Field(sa_column=Column(Float, nullable=False))
    key_stage: str | None = None


class ReferenceCellRow(SQLModel, table=True):
    __tablename__ = "progress_reference_cells"

    model_id: uuid.UUID = Field(
        primary_key=True, foreign_key="progress_models.id", ondelete="CASCADE"
    )
    strand_id: uuid.UUID = Field(primary_key=True, foreign_key="strands.id", ondelete="CASCADE")
    start_band: int = Field(primary_key=True)
    age_band: int = Field(primary_key=True)
    primary_need: str = Field(primary_key=True)
    learners: int
    p25: float = Field(sa_column=Column(Float, nullable=False))
    p50: float = Field(sa_column=Column(Float, nullable=False))
    p75: float = Field(sa_column=Column(Float, nullable=False))
    p90: float = Field(sa_column=Column(Float, nullable=False))


class IdempotencyRecordRow(SQLModel, table=True):
    """The first answer to a request carrying an Idempotency-Key, replayed on retries."""

    __tablename__ = "idempotency_records"

    school_id: uuid.UUID = Field(primary_key=True, foreign_key="schools.id")
    key: str = Field(primary_key=True)
    resource: str
    request_digest: str
    report: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class AuditEntryRow(SQLModel, table=True):
    """Who changed which row, when: written by triggers (migration 0008), never by the app."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        one_of("actor_kind", "actor_kind", ActorKind),
        one_of("action", "action", AuditAction),
        Index("ix_audit_entries_school_id_record_id", "school_id", "record_id"),
    )

    school_id: uuid.UUID = Field(primary_key=True, foreign_key="schools.id")
    id: int = Field(sa_column=Column(BigInteger, Identity(always=True), primary_key=True))
    at: datetime = _created()
    actor: str
    actor_name: str
    actor_kind: str
    action: str
    resource: str
    record_id: uuid.UUID | None = None
    changes: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    import_ref: str | None = None


class ChangeCommitRow(SQLModel, table=True):
    """A writing transaction and its position in commit order (migration 0007): numbered at
    commit by the database, read by the change feed. Holds no tenant data."""

    __tablename__ = "change_commits"
    __table_args__ = (Index("uq_change_commits_position", "position", unique=True),)

    xid: int = Field(sa_column=Column(Xid8(), primary_key=True))
    position: int | None = Field(default=None, sa_column=Column(BigInteger))
    committed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class ChangeTombstoneRow(SQLModel, table=True):
    """A deleted row of a tracked table, for the change feed (written by trigger, 0007)."""

    __tablename__ = "change_tombstones"
    __table_args__ = (
        CheckConstraint(
            "resource IN ('attendance', 'destinations', 'judgements', 'pupils',"
            " 'qualifications', 'targets')",
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
    change_xid: int | None = _change_xid()
    deleted_at: datetime = Field(
        sa_column=Column(
            DateTime(timezone=True), nullable=False, server_default=func.clock_timestamp()
        )
    )


#: Tenant tables protected by row-level security on school_id.
TENANT_TABLES = tuple(t.name for t in metadata.sorted_tables if t.name not in REFERENCE_TABLES)
