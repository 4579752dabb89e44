"""What every table is made of: one MetaData of the service's own, with the naming convention
the migrations use, and the columns and constraints that recur from table to table.

Tables derive from `TableModel`, not SQLModel itself, so they register on this MetaData and
not on SQLModel's process-wide default: importing the tables changes nothing shared.
"""

import enum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Index,
    MetaData,
    func,
    text,
)
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from persistence.xid8 import Xid8

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class TableModel(SQLModel, registry=registry(metadata=metadata)):
    """The base of every table: SQLModel's mapping, on the service's own MetaData."""


def one_of(name: str, column: str, values: type[enum.StrEnum]) -> CheckConstraint:
    listed = ", ".join(f"'{v.value}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


def created_column() -> Any:
    return Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    )


def change_xid_column() -> Any:
    """The transaction that last wrote the row, for the change feed (migration 0007): the
    database sets it, on insert by default and on update by trigger."""
    return Field(
        default=None,
        sa_column=Column(Xid8(), nullable=False, server_default=text("pg_current_xact_id()")),
    )


def changes_index(table: str) -> Index:
    """One transaction's rows of one school in id order: a change-feed page (migration 0007)."""
    return Index(f"ix_{table}_school_id_change_xid_id", "school_id", "change_xid", "id")


def tenant_fk(columns: list[str], table: str, ondelete: str | None = None) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["school_id", *columns], [f"{table}.school_id", f"{table}.id"], ondelete=ondelete
    )
