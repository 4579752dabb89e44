"""Use cases for bulk imports: check every row, then write all of them, the good ones, or none.

Rows arrive as an async stream (the HTTP body, a file) and are staged in batches, so a
large file is never held in memory. `validate` runs the whole import, counts what it would
insert, update and leave unchanged, and rolls back.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from domain.access import Permission, Principal
from domain.clock import SYSTEM_CLOCK, Clock
from domain.errors import Conflict
from domain.filters import FrameworkFilter, ModuleFilter
from domain.idempotency import StoredImport
from domain.imports import (
    MAX_REPORTED_ERRORS,
    FileProblem,
    ImportCounts,
    ImportMode,
    ImportReport,
    RowError,
    RowSource,
    column_map,
)
from domain.judgement_import import (
    JUDGEMENT_COLUMNS,
    REQUIRED_COLUMNS,
    ImportedJudgement,
    JudgementCatalogue,
)
from domain.paging import MAX_LIMIT, PageRequest
from domain.ports import UnitOfWork
from domain.services.references import found

#: rows staged per round trip
BATCH_SIZE = 5000


@dataclass(frozen=True, slots=True)
class ImportRequest:
    school_id: uuid.UUID
    mode: ImportMode = ImportMode.COMMIT
    atomic: bool = True
    idempotency_key: str | None = None
    source: str = ""  # what the file was, for the history of corrected judgements


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


async def import_judgements(
    uow: UnitOfWork,
    actor: Principal,
    request: ImportRequest,
    source: RowSource,
    clock: Clock = SYSTEM_CLOCK,
) -> ImportReport:
    actor.require(Permission.WRITE_ASSESSMENT)
    resource = "judgements"
    async with uow:
        school = found(await uow.schools.get(request.school_id), "school", request.school_id)
        actor.require(Permission.WRITE_ASSESSMENT, school.id)
        key = request.idempotency_key
        if key and (stored := await uow.imports.stored(school.id, key)):
            return await _replay(stored, source)
        catalogue = JudgementCatalogue(
            await uow.imports.pupil_keys(school.id),
            (
                await uow.frameworks.matching(
                    FrameworkFilter(school_id=school.id), PageRequest(limit=MAX_LIMIT)
                )
            ).items,
            (
                await uow.modules.matching(
                    ModuleFilter(school_id=school.id), PageRequest(limit=MAX_LIMIT)
                )
            ).items,
            default_assessor=actor.display_name or actor.subject,
            today=clock.today(),
        )
        rejections = _Rejections()
        total = 0
        try:
            headings = await source.open()
            fields_of = _FieldMap(_columns(headings) if headings is not None else None)
            batch: list[ImportedJudgement] = []
            async for line, raw in source.rows():
                total += 1
                fields = fields_of(raw)
                checked = catalogue.check(line, fields)
                if isinstance(checked, list):
                    rejections.add(checked)
                    continue
                batch.append(checked)
                if len(batch) >= BATCH_SIZE:
                    await uow.imports.stage_judgements(school.id, batch)
                    batch = []
            if batch:
                await uow.imports.stage_judgements(school.id, batch)
        except FileProblem as problem:
            rejections.add([problem.error])
            return _report(request, resource, total, rejections, ImportCounts(), committed=False)
        rejections.add(await uow.imports.drop_duplicate_judgements(school.id))
        if request.atomic and rejections.count:
            return _report(request, resource, total, rejections, ImportCounts(), committed=False)
        reason = f"import {request.source}".strip()
        counts = await uow.imports.apply_judgements(school.id, actor.subject, clock.now(), reason)
        committed = request.mode is ImportMode.COMMIT
        report = _report(request, resource, total, rejections, counts, committed)
        if committed:
            if key:
                await uow.imports.store(
                    school.id, StoredImport(key, source.digest(), report, clock.now())
                )
            await uow.commit()
    return report


async def _replay(stored: StoredImport, source: RowSource) -> ImportReport:
    """The first answer again, if this is the same request (the body is read to know)."""
    try:
        await source.open()
        async for _ in source.rows():
            pass
    except FileProblem:
        pass
    if source.digest() != stored.request_digest:
        raise Conflict(
            "this Idempotency-Key was used for a different request; use a new key",
            field="Idempotency-Key",
        )
    return replace(stored.report, replayed=True)


def _columns(headings: Sequence[str]) -> dict[str, str]:
    mapping = column_map(headings, JUDGEMENT_COLUMNS, REQUIRED_COLUMNS)
    if not {"upn", "mis_id"} & set(mapping.values()):
        raise FileProblem(
            1, "missing column: upn or mis_id (one names the pupil)", "missing_column"
        )
    return mapping


class _FieldMap:
    """A row by field name: through the header's mapping (CSV), or by each record's own
    keys (NDJSON; records with the same keys share one mapping)."""

    def __init__(self, header: dict[str, str] | None) -> None:
        self.header = header
        self.by_keys: dict[tuple[str, ...], dict[str, str]] = {}

    def __call__(self, raw: Mapping[str, str]) -> dict[str, str]:
        mapping = self.header
        if mapping is None:
            keys = tuple(raw)
            mapping = self.by_keys.get(keys)
            if mapping is None:
                mapping = self.by_keys[keys] = column_map(keys, JUDGEMENT_COLUMNS, ())
        return {name: raw[heading] for heading, name in mapping.items() if heading in raw}


def _report(
    request: ImportRequest,
    resource: str,
    rows: int,
    rejections: _Rejections,
    counts: ImportCounts,
    committed: bool,
) -> ImportReport:
    return ImportReport(
        resource=resource,
        mode=request.mode,
        atomic=request.atomic,
        rows=rows,
        rejected=rejections.count,
        counts=counts,
        committed=committed,
        errors=sorted(rejections.errors, key=lambda e: (e.line, e.field)),
    )
