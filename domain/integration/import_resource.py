"""What each importable resource supplies to the one import flow
(domain.integration.import_service): its columns, a row check, and how checked rows are staged
and applied."""

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from domain.integration.imports import ImportCounts, ImportMode, RowError
from domain.kernel.access import Permission, Principal
from domain.kernel.clock import Clock
from domain.organisation.organisation import School
from domain.unit_of_work import UnitOfWork

Checked = TypeVar("Checked")
Item_co = TypeVar("Item_co", covariant=True)
Item_contra = TypeVar("Item_contra", contravariant=True)


@dataclass(frozen=True, slots=True)
class ImportRequest:
    school_id: uuid.UUID
    mode: ImportMode = ImportMode.COMMIT
    atomic: bool = True
    idempotency_key: str | None = None
    source: str = ""  # what the file was, for the history of corrected records


@dataclass(frozen=True, slots=True)
class ImportSetup:
    """One import's context, handed to the resource when it starts."""

    uow: UnitOfWork
    school: School
    actor: Principal
    request: ImportRequest
    clock: Clock

    @property
    def reason(self) -> str:
        """The history entry's reason for a change an import makes."""
        return f"import {self.request.source}".strip()


class Importer(Protocol[Checked]):
    """One import of one resource, inside the flow's transaction.

    `check` is pure (the row against what `start` loaded); `stage` may write at once (the
    flow commits only at its end) or keep rows for `apply`, and returns the rows it refuses
    while staging; `duplicates` names rows whose natural key an earlier line gave, once
    every row is staged; `apply` writes what is staged and counts what it did."""

    def check(self, line: int, row: Mapping[str, str]) -> Checked | list[RowError]: ...
    async def stage(self, rows: Sequence[Checked]) -> list[RowError]: ...
    async def duplicates(self) -> list[RowError]: ...
    async def apply(self) -> ImportCounts: ...


@dataclass(frozen=True, slots=True)
class ImportResource(Generic[Checked]):
    """An importable resource: `columns` maps each field to the headings exports use."""

    name: str
    permission: Permission
    columns: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    start: Callable[[ImportSetup], Awaitable[Importer[Checked]]]
    #: the audit log's name for what it writes (domain.integration.audit.audited_resources)
    audited_as: str = ""
    #: what a row is matched on, in words (the OpenAPI description of its import)
    matched_by: str = ""
    #: a CSV and an NDJSON example of its rows (the OpenAPI document shows them)
    examples: tuple[str, str] = ("", "")

    @property
    def audit_resource(self) -> str:
        return self.audited_as or self.name


class Counter:
    """Counts for importers that write as they stage."""

    def __init__(self) -> None:
        self.inserted = 0
        self.updated = 0
        self.unchanged = 0

    def add(self, existed: bool, changed: bool) -> None:
        if not existed:
            self.inserted += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1

    def counts(self) -> ImportCounts:
        return ImportCounts(self.inserted, self.updated, self.unchanged)


class RowChange(Protocol[Item_co]):
    """A checked row of a resource written through its repository: the stored item (None
    for a new one) and the item the row makes of it."""

    @property
    def before(self) -> Item_co | None: ...
    @property
    def after(self) -> Item_co: ...
    @property
    def changed(self) -> bool: ...


class VersionedStore(Protocol[Item_contra]):
    """A repository's add and optimistic-locked update."""

    async def add(self, item: Item_contra, /) -> None: ...
    async def update(self, item: Item_contra, previous_version: int, /) -> None: ...


Change = TypeVar("Change", bound=RowChange[Any])


class WriteThrough(Generic[Change]):
    """An importer for resources a school has few of (leavers, qualification entries): each
    checked row is written at once through the resource's repository; the flow's one
    transaction still makes the file all-or-nothing."""

    def __init__(
        self,
        check: Callable[[int, Mapping[str, str]], Change | list[RowError]],
        store: VersionedStore[Any],
    ) -> None:
        self.check = check
        self.store = store
        self.counter = Counter()

    async def stage(self, rows: Sequence[Change]) -> list[RowError]:
        for change in rows:
            if change.before is None:
                await self.store.add(change.after)
            elif change.changed:
                await self.store.update(change.after, change.before.version)
            self.counter.add(change.before is not None, change.changed)
        return []

    async def duplicates(self) -> list[RowError]:
        return []  # refused as they are checked

    async def apply(self) -> ImportCounts:
        return self.counter.counts()
