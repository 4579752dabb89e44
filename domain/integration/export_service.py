"""The export use case: check the request and the caller's scope, then stream the rows.

`open_export` is an async context manager because the rows are read inside the unit of work
(its transaction carries the caller's row-level-security scope): entering it does every
check, so a refusal comes before any byte is sent; leaving it closes the cursor and the
transaction, whether the rows ran out or the reader stopped early.
"""

import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache, partial
from operator import itemgetter
from typing import Protocol, get_args, get_type_hints

from domain.assessment.ports import HasFrameworks
from domain.integration.exports import (
    PSEUDONYM_COLUMN,
    PSEUDONYMISED_OUT,
    ExportFilter,
    ExportRequest,
    columns_of,
)
from domain.integration.ports import HasExports
from domain.integration.records import RecordKind, record_kind
from domain.kernel.access import Permission, Principal
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import NotFound
from domain.kernel.paging import every_page
from domain.kernel.references import found
from domain.kernel.transaction import Transaction
from domain.organisation.ports import HasSchools, SchoolFilter
from domain.privacy.pupil_view import Pseudonymiser
from domain.pupils.ports import HasPupils
from domain.pupils.references import require_filter_scope


class ExportWork(HasExports, HasFrameworks, HasPupils, HasSchools, Transaction, Protocol):
    """What these use cases need of the unit of work."""


#: rows fetched from the cursor and handed on at a time
BATCH_SIZE = 2000

Row = tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Export:
    resource: str
    columns: tuple[str, ...]
    #: indexes of the columns holding true/false (written as such in CSV)
    booleans: frozenset[int]
    #: indexes of the columns holding text (a CSV writer may need to make these safe)
    texts: frozenset[int]
    batches: AsyncGenerator[Sequence[Row], None]


@asynccontextmanager
async def open_export(
    uow: ExportWork,
    actor: Principal,
    request: ExportRequest,
    pseudonymiser: Pseudonymiser,
    clock: Clock = SYSTEM_CLOCK,
) -> AsyncIterator[Export]:
    """Every READ_ROSTER caller may export what the matching list shows them (pupils,
    judgements, targets, attendance marks, qualification entries, destinations)."""
    year = request.checked_year()
    kind = record_kind(request.resource)
    if kind.export is None:
        raise NotFound("export", request.resource)
    actor.require(Permission.READ_ROSTER)
    async with uow:
        schools = await _schools(uow, actor, request)
        window_end = [d for d in (request.until, year.ends_on if year else None) if d]
        export_filter = ExportFilter(
            school_ids=schools,
            since=request.since,
            until=request.until,
            academic_year=year,
            module=request.module,
            as_at=min([clock.today(), *window_end]),
        )
        masked = actor.pseudonymised
        rows: AsyncGenerator[Sequence[Row], None] = uow.exports.batches(
            request.resource, export_filter, BATCH_SIZE
        )
        if masked:
            rows = _pseudonymised(rows, kind, pseudonymiser)
        columns = columns_of(kind, masked)
        async with aclosing(rows):
            yield Export(
                kind.name,
                columns,
                _columns_of_type(kind, columns, bool),
                _columns_of_type(kind, columns, str),
                rows,
            )


async def _schools(
    uow: ExportWork, actor: Principal, request: ExportRequest
) -> tuple[uuid.UUID, ...]:
    """One school, one trust's (as far as the caller sees it), or every school they see;
    another school or trust is refused (403), as a list filtered by it is."""
    await require_filter_scope(uow, actor, school_id=request.school_id, trust_id=request.trust_id)
    if request.school_id is not None:
        return (found(await uow.schools.get(request.school_id), "school", request.school_id).id,)
    schools = await every_page(
        partial(uow.schools.matching, SchoolFilter(trust_id=request.trust_id))
    )
    return tuple(sorted(s.id for s in schools))


async def _pseudonymised(
    rows: AsyncGenerator[Sequence[Row], None],
    kind: RecordKind,
    pseudonymiser: Pseudonymiser,
) -> AsyncGenerator[Sequence[Row], None]:
    """Each row with the pupil's pseudonym first and nothing that names the pupil."""
    names = columns_of(kind, pseudonymised=False)
    pupil = names.index("stepwise_pupil_id")
    pick = itemgetter(*(i for i, name in enumerate(names) if name not in PSEUDONYMISED_OUT))
    # a pupil has many rows (judgements, attendance): one HMAC per pupil, not per row
    token = lru_cache(maxsize=65_536)(pseudonymiser.token)
    async with aclosing(rows):
        async for batch in rows:
            yield [(token(row[pupil]), *pick(row)) for row in batch]


def _columns_of_type(record: RecordKind, columns: tuple[str, ...], kind: type) -> frozenset[int]:
    """Indexes of the columns whose values are `kind` (or `kind | None`); the pseudonym that
    leads a pseudonymised export is text."""
    hints = get_type_hints(record.export)
    named = {name for name, hint in hints.items() if hint is kind or kind in get_args(hint)}
    if kind is str:
        named.add(PSEUDONYM_COLUMN)
    return frozenset(i for i, name in enumerate(columns) if name in named)
