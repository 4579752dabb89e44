"""The caller's scope as SQL: which schools' and trusts' rows a session may touch."""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, TextClause, text, true
from sqlmodel import col

from domain.integration.audit import SYSTEM_ACTOR, Actor
from domain.kernel.access import Principal

#: the role row-level security applies to (migration 0002)
APP_ROLE = "stepwise_app"

#: what every restricted transaction runs first: the role and the visible ids, all
#: transaction-local, so a pooled connection carries nothing over
SCOPE_SQL: TextClause = text(
    "SELECT set_config('role', :role, true),"
    " set_config('stepwise.school_ids', :schools, true),"
    " set_config('stepwise.trust_ids', :trusts, true),"
    " set_config('stepwise.actor', :actor, true),"
    " set_config('stepwise.actor_name', :actor_name, true),"
    " set_config('stepwise.actor_kind', :actor_kind, true)"
)

#: what an unrestricted transaction runs first: only who is writing, for the audit triggers
#: (migration 0008), which read these settings
ACTOR_SQL: TextClause = text(
    "SELECT set_config('stepwise.actor', :actor, true),"
    " set_config('stepwise.actor_name', :actor_name, true),"
    " set_config('stepwise.actor_kind', :actor_kind, true)"
)


@dataclass(frozen=True, slots=True)
class Scope:
    """None means unrestricted (the operator's CLI and authentication lookups)."""

    school_ids: frozenset[uuid.UUID] | None
    trust_ids: frozenset[uuid.UUID] | None
    actor: Actor = SYSTEM_ACTOR  # who the audit log says wrote

    @classmethod
    def unrestricted(cls) -> "Scope":
        return cls(None, None)

    @classmethod
    def of(cls, principal: Principal) -> "Scope":
        """The caller's scope, writing as the caller (the CLI's system principal: everything)."""
        if principal.unrestricted:
            return cls.unrestricted()
        return cls(principal.school_ids, principal.trust_ids, Actor.of(principal))

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

    def actor_params(self) -> dict[str, str]:
        """ACTOR_SQL's parameters: who this transaction writes as."""
        actor = self.actor
        return {"actor": actor.subject, "actor_name": actor.name, "actor_kind": actor.kind.value}

    def scope_params(self) -> dict[str, str]:
        """SCOPE_SQL's parameters for this scope (only run it when `restricted`)."""
        return {
            "role": APP_ROLE,
            "schools": self.guc_schools(),
            "trusts": self.guc_trusts(),
            **self.actor_params(),
        }
