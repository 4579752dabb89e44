"""The caller's scope as SQL: which schools' and trusts' rows a session may touch."""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, true
from sqlmodel import col


@dataclass(frozen=True, slots=True)
class Scope:
    """None means unrestricted (the operator's CLI and authentication lookups)."""

    school_ids: frozenset[uuid.UUID] | None
    trust_ids: frozenset[uuid.UUID] | None

    @classmethod
    def unrestricted(cls) -> "Scope":
        return cls(None, None)

    @property
    def restricted(self) -> bool:
        return self.school_ids is not None

    def schools(self, column: Any) -> ColumnElement[bool]:
        """`column IN (visible schools)`; SQLModel types columns as values, hence Any."""
        if self.school_ids is None:
            return true()
        visible: ColumnElement[bool] = col(column).in_(sorted(self.school_ids))
        return visible

    def trusts(self, column: Any) -> ColumnElement[bool]:
        if self.trust_ids is None:
            return true()
        visible: ColumnElement[bool] = col(column).in_(sorted(self.trust_ids))
        return visible

    def guc_schools(self) -> str:
        return "{" + ",".join(str(i) for i in sorted(self.school_ids or ())) + "}"

    def guc_trusts(self) -> str:
        return "{" + ",".join(str(i) for i in sorted(self.trust_ids or ())) + "}"
