"""The caller's scope as SQL: which schools' and trusts' rows a session may touch."""

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import InstrumentedAttribute


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

    def schools(self, column: InstrumentedAttribute[uuid.UUID] | ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
        if self.school_ids is None:
            return true()
        return column.in_(sorted(self.school_ids))

    def trusts(self, column: InstrumentedAttribute[uuid.UUID] | ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
        if self.trust_ids is None:
            return true()
        return column.in_(sorted(self.trust_ids))

    def guc_schools(self) -> str:
        return "{" + ",".join(str(i) for i in sorted(self.school_ids or ())) + "}"

    def guc_trusts(self) -> str:
        return "{" + ",".join(str(i) for i in sorted(self.trust_ids or ())) + "}"
