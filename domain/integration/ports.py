"""What the integration feature needs from storage, and the filters its lists take.

Repositories speak in entities and are already narrowed to the caller's scope by the
unit of work that owns them: a row outside it is simply not there. Every filter is
narrowed to the caller's scope too."""

import uuid
from collections.abc import AsyncGenerator, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from domain.assessment.judgement_rows import ImportedJudgement, PupilKey
from domain.integration.audit import AuditAction, AuditFilter, AuditPage
from domain.integration.changes import ChangePage, ChangeQuery, FeedPosition
from domain.integration.exports import ExportFilter, ExportRecord
from domain.integration.idempotency import StoredImport
from domain.integration.imports import ImportCounts, RowError
from domain.outcomes.attendance_rows import ImportedMark


class ImportStore(Protocol):
    """Bulk writes for imports: rows staged in the transaction, then applied by natural key,
    writing only what differs (corrections keep their history)."""

    async def pupil_keys(
        self, school_id: uuid.UUID, include_archived: bool = False
    ) -> list[PupilKey]: ...
    async def stage_judgements(
        self, school_id: uuid.UUID, rows: Sequence[ImportedJudgement]
    ) -> None: ...
    async def drop_duplicate_judgements(self, school_id: uuid.UUID) -> list[RowError]:
        """Unstage rows for a pupil, strand and module an earlier line already gave."""
        ...

    async def apply_judgements(
        self, school_id: uuid.UUID, changed_by: str, changed_at: datetime, reason: str
    ) -> ImportCounts: ...
    async def stage_marks(self, school_id: uuid.UUID, rows: Sequence[ImportedMark]) -> None: ...
    async def drop_duplicate_marks(self, school_id: uuid.UUID) -> list[RowError]:
        """Unstage marks for a pupil, date and session an earlier line already gave."""
        ...

    async def apply_marks(self, school_id: uuid.UUID) -> ImportCounts: ...
    async def stored(self, school_id: uuid.UUID, key: str) -> StoredImport | None: ...
    async def store(self, school_id: uuid.UUID, stored: StoredImport) -> None: ...


class AccountAudit(Protocol):
    """What account use cases write to the audit log (the rest of it is written by the
    database's triggers)."""

    async def account_entry(
        self,
        resource: str,
        account: uuid.UUID | None,
        action: AuditAction,
        changes: Mapping[str, object],
    ) -> None:
        """An entry about a staff account or client (`resource` users or integration_clients)
        in each school it reaches, as the transaction's actor; none if `account` is None, at
        the same cost."""
        ...


class AuditTrail(AccountAudit, Protocol):
    """The audit log. Row changes are logged by the database; an import instead marks its
    transaction (so its rows are not logged one by one) and writes one summary entry."""

    async def begin_import(
        self, school_id: uuid.UUID, resource: str, source: str, idempotency_key: str | None
    ) -> str:
        """Stop row-by-row logging for the rest of this transaction; the import's reference."""
        ...

    async def finish_import(
        self,
        school_id: uuid.UUID,
        ref: str,
        resource: str,
        counts: Mapping[str, int],
        source: str,
        idempotency_key: str | None,
    ) -> None:
        """Write the import's summary entry and resume row-by-row logging."""
        ...

    async def entries(self, audit_filter: AuditFilter) -> AuditPage: ...


class ExportQueries(Protocol):
    """Every row of a resource for an export, read through a server-side cursor `size` rows
    at a time, so memory stays flat however many there are. Close the generator (or let it
    finish) before the unit of work ends."""

    def batches(
        self, resource: str, export_filter: ExportFilter, size: int
    ) -> AsyncGenerator[list[ExportRecord], None]: ...


class ChangeFeed(Protocol):
    """Changes in commit order (migration 0007), within the unit of work's scope."""

    async def changes(self, query: ChangeQuery) -> ChangePage: ...
    async def latest(self) -> FeedPosition:
        """After the last commit so far: following from here gives only what comes next."""
        ...


class HasImports(Protocol):
    @property
    def imports(self) -> ImportStore: ...


class HasExports(Protocol):
    @property
    def exports(self) -> ExportQueries: ...


class HasAudit(Protocol):
    @property
    def audit(self) -> AuditTrail: ...


class HasAccountAudit(Protocol):
    """The audit log as account use cases write to it."""

    @property
    def audit(self) -> AccountAudit: ...


class HasChanges(Protocol):
    @property
    def changes(self) -> ChangeFeed: ...


class IntegrationRepositories(HasImports, HasExports, HasAudit, HasChanges, Protocol):
    """What the unit of work offers of the integration feature (domain.unit_of_work). A use case
    asks only for what it uses (`Has...`), so an in-memory unit of work for its tests need
    offer no more."""
