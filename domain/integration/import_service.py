"""Use cases for bulk imports: check every row, then write all of them, the good ones, or none.

One flow for every resource (domain.services.importing): the caller's permission, the
school, an idempotent replay, rows checked as they arrive and staged in batches (a large
file is never held in memory), rejections, all-or-nothing, and the stored report. Each
resource supplies its columns, its row check and its writes. `validate` runs the whole
import, counts what it would insert, update and leave unchanged, and rolls back.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from typing import Any

from domain.integration.idempotency import StoredImport
from domain.integration.import_resource import Checked, ImportRequest, ImportResource, ImportSetup
from domain.integration.imports import (
    MAX_REPORTED_ERRORS,
    FileProblem,
    ImportCounts,
    ImportMode,
    ImportReport,
    RowError,
    RowSource,
    column_map,
)
from domain.integration.records import importable
from domain.kernel.access import Principal
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import Conflict, NotFound
from domain.kernel.references import found
from domain.unit_of_work import UnitOfWork

__all__ = ["BATCH_SIZE", "ImportRequest", "import_judgements", "import_rows", "resource_named"]

#: rows staged per round trip
BATCH_SIZE = 5000


class _Rejections:
    """Rejected rows: all counted, the first MAX_REPORTED_ERRORS problems kept."""

    def __init__(self) -> None:
        self.lines: set[int] = set()
        self.errors: list[RowError] = []

    def add(self, errors: Sequence[RowError]) -> None:
        for error in errors:
            self.lines.add(error.line)
            if len(self.errors) < MAX_REPORTED_ERRORS:
                self.errors.append(error)

    @property
    def count(self) -> int:
        return len(self.lines)


def resource_named(name: str) -> ImportResource[Any]:
    """The importable resource of that name; NotFound for any other."""
    resource = importable().get(name)
    if resource is None:
        raise NotFound("import resource", name)
    return resource


async def import_judgements(
    uow: UnitOfWork,
    actor: Principal,
    request: ImportRequest,
    source: RowSource,
    clock: Clock = SYSTEM_CLOCK,
) -> ImportReport:
    return await import_rows(uow, actor, resource_named("judgements"), request, source, clock)


async def import_rows(
    uow: UnitOfWork,
    actor: Principal,
    resource: ImportResource[Checked],
    request: ImportRequest,
    source: RowSource,
    clock: Clock = SYSTEM_CLOCK,
) -> ImportReport:
    actor.require(resource.permission)
    async with uow:
        school = found(await uow.schools.get(request.school_id), "school", request.school_id)
        actor.require(resource.permission, school.id)
        key = request.idempotency_key
        if key and (stored := await uow.imports.stored(school.id, key)):
            return await _replay(stored, resource.name, source)
        # the rows are summed up in one audit entry, not logged one by one
        audit_ref = await uow.audit.begin_import(
            school.id, resource.audit_resource, request.source, key
        )
        importer = await resource.start(ImportSetup(uow, school, actor, request, clock))
        rejections = _Rejections()
        total = 0
        try:
            headings = await source.open()
            fields_of = _FieldMap(resource, headings)
            batch: list[Checked] = []
            async for line, raw in source.rows():
                total += 1
                checked = importer.check(line, fields_of(raw))
                if isinstance(checked, list):
                    rejections.add(checked)
                    continue
                batch.append(checked)
                if len(batch) >= BATCH_SIZE:
                    rejections.add(await importer.stage(batch))
                    batch = []
            if batch:
                rejections.add(await importer.stage(batch))
        except FileProblem as problem:
            rejections.add([problem.error])
            return _report(request, resource, total, rejections, ImportCounts(), committed=False)
        rejections.add(await importer.duplicates())
        if request.atomic and rejections.count:
            return _report(request, resource, total, rejections, ImportCounts(), committed=False)
        counts = await importer.apply()
        committed = request.mode is ImportMode.COMMIT
        report = _report(request, resource, total, rejections, counts, committed)
        if committed:
            await uow.audit.finish_import(
                school.id,
                audit_ref,
                resource.audit_resource,
                {"rows": total, "rejected": rejections.count, **asdict(counts)},
                request.source,
                key,
            )
            await _commit(uow, school.id, key, source, report, clock)
    return report


async def _commit(
    uow: UnitOfWork,
    school_id: uuid.UUID,
    key: str | None,
    source: RowSource,
    report: ImportReport,
    clock: Clock,
) -> None:
    """The one place an import is kept: the report for its key, then the transaction."""
    if key:
        await uow.imports.store(school_id, StoredImport(key, source.digest(), report, clock.now()))
    await uow.commit()


async def _replay(stored: StoredImport, resource: str, source: RowSource) -> ImportReport:
    """The first answer again, if this is the same request (the body is read to know)."""
    try:
        await source.open()
        async for _ in source.rows():
            pass
    except FileProblem:
        pass
    if source.digest() != stored.request_digest or stored.report.resource != resource:
        raise Conflict(
            "this Idempotency-Key was used for a different request; use a new key",
            field="Idempotency-Key",
        )
    return replace(stored.report, replayed=True)


def _columns(resource: ImportResource[Any], headings: Sequence[str]) -> dict[str, str]:
    mapping = column_map(headings, resource.columns, resource.required)
    if not {"upn", "mis_id"} & set(mapping.values()):
        raise FileProblem(
            1, "missing column: upn or mis_id (one names the pupil)", "missing_column"
        )
    return mapping


class _FieldMap:
    """A row by field name: through the header's mapping (CSV), or by each record's own
    keys (NDJSON; records with the same keys share one mapping)."""

    def __init__(self, resource: ImportResource[Any], headings: Sequence[str] | None) -> None:
        self.columns = resource.columns
        self.header = _columns(resource, headings) if headings is not None else None
        self.by_keys: dict[tuple[str, ...], dict[str, str]] = {}

    def __call__(self, raw: Mapping[str, str]) -> dict[str, str]:
        mapping = self.header
        if mapping is None:
            keys = tuple(raw)
            mapping = self.by_keys.get(keys)
            if mapping is None:
                mapping = self.by_keys[keys] = column_map(keys, self.columns, ())
        return {name: raw[heading] for heading, name in mapping.items() if heading in raw}


def _report(
    request: ImportRequest,
    resource: ImportResource[Any],
    rows: int,
    rejections: _Rejections,
    counts: ImportCounts,
    committed: bool,
) -> ImportReport:
    return ImportReport(
        resource=resource.name,
        mode=request.mode,
        atomic=request.atomic,
        rows=rows,
        rejected=rejections.count,
        counts=counts,
        committed=committed,
        errors=sorted(rejections.errors, key=lambda e: (e.line, e.field)),
    )
