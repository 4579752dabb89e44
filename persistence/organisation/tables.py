"""The organisation feature's tables. The conventions every table follows are in
persistence.tables and persistence.columns."""

import uuid
from datetime import datetime

from sqlmodel import Field

from domain.organisation.organisation import SchoolType, TrustKind
from persistence.columns import (
    TableModel,
    created_column,
    one_of,
)


class TrustRow(TableModel, table=True):
    __tablename__ = "trusts"
    __table_args__ = (one_of("kind", "kind", TrustKind),)

    id: uuid.UUID = Field(primary_key=True)
    name: str
    kind: str
    version: int = 1
    created_at: datetime = created_column()


class SchoolRow(TableModel, table=True):
    __tablename__ = "schools"
    __table_args__ = (one_of("type", "type", SchoolType),)

    id: uuid.UUID = Field(primary_key=True)
    trust_id: uuid.UUID = Field(foreign_key="trusts.id", index=True)
    urn: str = Field(unique=True)
    name: str
    type: str
    version: int = 1
    created_at: datetime = created_column()
    # SEN records kept to date of birth + this many years (migration 0009)
    sen_retention_years: int = Field(default=31, sa_column_kwargs={"server_default": "31"})
