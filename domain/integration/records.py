"""The kinds of pupil-level record: what exports, the change feed and imports go through.

Each kind is described once, as a `RecordKind` constant in its own feature (judgements in
domain/assessment, attendance in domain/outcomes...), naming what it takes part in: its export
columns, whether the change feed follows it, its import, and how a caller may see one.
Exports, the change feed and imports find every kind here; a new kind of record is one more
constant in its feature, nothing else to remember.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import domain
from domain.kernel.access import Principal
from domain.kernel.discovery import declared
from domain.kernel.errors import NotFound

if TYPE_CHECKING:  # both reach the ports, which name the exports' and the feed's types
    from domain.integration.import_resource import ImportResource
    from domain.privacy.pupil_view import Pseudonymiser

#: how a caller sees a record: analysts without free text, a pupil through a PupilView
SeenBy: TypeAlias = "Callable[[Any, Principal, Pseudonymiser], Any]"


def _as_it_is(item: Any, actor: Principal, pseudonymiser: Pseudonymiser) -> Any:
    return item


@dataclass(frozen=True, slots=True)
class RecordKind:
    """A kind of pupil-level record. `name` is its word in /exports/{name}, /imports/{name}
    and the change feed; `rank` orders the kinds (within one commit the feed gives pupils
    first, so a copy with foreign keys can apply changes in order); `export` is the export's
    columns (a NamedTuple: its field names are the CSV headings), None if not exported."""

    name: str
    rank: int
    export: type[tuple[Any, ...]] | None = None
    imports: ImportResource[Any] | None = None
    followed: bool = False
    seen_by: SeenBy = _as_it_is


@functools.cache
def record_kinds() -> tuple[RecordKind, ...]:
    """Every kind the features declare, in rank order."""
    kinds = sorted(declared(domain, RecordKind, (".records", "_service")), key=lambda k: k.rank)
    names = [k.name for k in kinds]
    ranks = [k.rank for k in kinds]
    if len(set(names)) != len(names) or len(set(ranks)) != len(ranks):
        raise RuntimeError(f"two kinds of record share a name or a rank: {names} {ranks}")
    return tuple(kinds)


def exported() -> tuple[RecordKind, ...]:
    return tuple(k for k in record_kinds() if k.export is not None)


def followed() -> tuple[RecordKind, ...]:
    """The kinds the change feed follows, in the order they come within one commit."""
    return tuple(k for k in record_kinds() if k.followed)


def importable() -> dict[str, ImportResource[Any]]:
    return {k.name: k.imports for k in record_kinds() if k.imports is not None}


def record_kind(name: str) -> RecordKind:
    for kind in record_kinds():
        if kind.name == name:
            return kind
    raise NotFound("kind of record", name)
