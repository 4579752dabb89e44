"""The analytics feature's tables. The conventions every table follows are in
persistence.tables and persistence.columns."""

import uuid
from datetime import datetime

from sqlalchemy import (
    Column,
    Float,
    Index,
    UniqueConstraint,
    text,
)
from sqlmodel import Field

from domain.analytics.progress import KeyStage, ModelKind
from persistence.columns import TableModel, created_column, one_of


class ProgressModelRow(TableModel, table=True):
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
    created_at: datetime = created_column()


class RateRuleRow(TableModel, table=True):
    __tablename__ = "progress_rate_rules"
    __table_args__ = (one_of("key_stage", "key_stage", KeyStage),)

    id: uuid.UUID = Field(primary_key=True)
    model_id: uuid.UUID = Field(foreign_key="progress_models.id", ondelete="CASCADE", index=True)
    start_min: float = Field(sa_column=Column(Float, nullable=False))
    start_max: float = Field(sa_column=Column(Float, nullable=False))
    rate_per_year: float = Field(sa_column=Column(Float, nullable=False))
    key_stage: str | None = None


class ReferenceCellRow(TableModel, table=True):
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
