"""The audit log: who (a user, a client or the operator) changed which record, when, and how.

Entries are written by the database itself (row triggers on the tables that hold pupil
data), so no write path can forget them; a bulk import writes one summary entry instead
of a row per record. This module holds what the rest of the service reads and asks for.
"""

import enum
import functools
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import domain
from domain.kernel.access import Principal, Role
from domain.kernel.discovery import declared
from domain.kernel.errors import Problem
from domain.kernel.paging import MAX_LIMIT


class ActorKind(enum.StrEnum):
    USER = "user"
    CLIENT = "client"
    SYSTEM = "system"  # the operator at the command line, sign-in bookkeeping


class AuditAction(enum.StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"
    IMPORT = "import"  # one summary entry for a whole bulk import
    SUBJECT_ACCESS = "subject_access"  # everything held about a pupil was exported
    ERASURE = "erasure"  # a pupil was erased: ids, reason and retention decision only
    SIGN_IN_FAILED = "sign_in_failed"  # a wrong password or secret (never the password)
    ACCOUNT = "account"  # a staff account created, changed, (de/re)activated, password set


@dataclass(frozen=True, slots=True)
class AuditedTable:
    """A table whose rows the database's triggers audit (the resource name in its entries is
    the table's name). Declared in its feature's `records` module; the triggers themselves
    are made by a migration."""

    table: str


@functools.cache
def audited_resources() -> frozenset[str]:
    """The tables whose rows are audited: every `AuditedTable` the features declare."""
    return frozenset(t.table for t in declared(domain, AuditedTable, (".records", "_service")))


@dataclass(frozen=True, slots=True)
class Actor:
    """Who a transaction writes as: the principal's subject, display name and kind."""

    subject: str
    name: str
    kind: ActorKind

    @classmethod
    def of(cls, principal: Principal) -> "Actor":
        if principal.unrestricted:
            return SYSTEM_ACTOR
        kind = ActorKind.CLIENT if principal.role is Role.INTEGRATION else ActorKind.USER
        return cls(principal.subject, principal.display_name, kind)


SYSTEM_ACTOR = Actor("system", "system", ActorKind.SYSTEM)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change. `changes` holds the new values (insert), the old values (delete), or
    `{column: {"old": ..., "new": ...}}` for the columns an update changed; an import's
    summary holds its counts, source file and idempotency key."""

    id: int
    school_id: uuid.UUID
    at: datetime
    actor: str
    actor_name: str
    actor_kind: ActorKind
    action: AuditAction
    resource: str
    record_id: uuid.UUID | None
    changes: dict[str, Any]
    import_ref: str | None = None


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Filters on the log, newest first; `before` continues a previous page (an entry id)."""

    school_id: uuid.UUID | None = None
    resource: str | None = None
    record_id: uuid.UUID | None = None
    actor: str | None = None
    action: AuditAction | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    before: int | None = None

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        if self.resource is not None and self.resource not in audited_resources():
            listed = ", ".join(sorted(audited_resources()))
            found.append(Problem("resource", f"not an audited resource; one of {listed}", "enum"))
        if self.since is not None and self.until is not None and self.until < self.since:
            found.append(Problem("until", "must not be before since", "range"))
        if not 1 <= self.limit <= MAX_LIMIT:
            found.append(Problem("limit", f"must be 1..{MAX_LIMIT}", "range"))
        return found


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """An AuditQuery narrowed to the schools the caller may audit (None: every school)."""

    school_ids: frozenset[uuid.UUID] | None
    query: AuditQuery = field(default_factory=AuditQuery)


@dataclass(frozen=True, slots=True)
class AuditPage:
    items: list[AuditEntry]
    next_before: int | None
