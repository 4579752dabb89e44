"""The audit log over HTTP."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.schemas import ReadModel
from domain.integration.audit import ActorKind, AuditAction


class AuditEntryOut(ReadModel):
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


class AuditPageOut(BaseModel):
    items: list[AuditEntryOut]
    next_cursor: str | None = None
