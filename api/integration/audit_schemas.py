"""The audit log over HTTP."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from domain.integration.audit import ActorKind, AuditAction, AuditEntry


class AuditEntryOut(BaseModel):
    id: int
    school_id: uuid.UUID
    at: datetime
    actor: str = Field(description="the user's id, the client's client_id, or `system`")
    actor_name: str
    actor_kind: ActorKind
    action: AuditAction
    resource: str = Field(description="what was changed: pupils, judgements, targets...")
    record_id: uuid.UUID | None = Field(description="the changed record (none for an import)")
    changes: dict[str, Any] = Field(
        description="insert: the new values; delete: the old values; update: "
        '`{column: {"old": ..., "new": ...}}` for changed columns only; import: counts, '
        "source and idempotency key"
    )
    import_ref: str | None

    @classmethod
    def of(cls, e: AuditEntry) -> "AuditEntryOut":
        return cls(
            id=e.id,
            school_id=e.school_id,
            at=e.at,
            actor=e.actor,
            actor_name=e.actor_name,
            actor_kind=e.actor_kind,
            action=e.action,
            resource=e.resource,
            record_id=e.record_id,
            changes=e.changes,
            import_ref=e.import_ref,
        )


class AuditPageOut(BaseModel):
    items: list[AuditEntryOut]
    next_cursor: str | None = None
