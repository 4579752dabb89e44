"""Bulk imports from an MIS export: rows checked one at a time, every rejection reported.

An import is for one school. `validate` is a dry run that reports exactly what `commit`
would do. With `atomic` (the default) one bad row means nothing is written; without it the
good rows are written and the bad ones listed. Re-sending a file changes nothing: rows are
matched on their natural keys and only differences are written.
"""

import enum
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

#: how many rejected rows a report lists (the count covers them all)
MAX_REPORTED_ERRORS = 1000


class ImportMode(enum.StrEnum):
    VALIDATE = "validate"
    COMMIT = "commit"


@dataclass(frozen=True, slots=True)
class RowError:
    """Line 1 is the header (CSV) or the first record (NDJSON)."""

    line: int
    field: str
    reason: str
    code: str


@dataclass(frozen=True, slots=True)
class ImportCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class ImportReport:
    resource: str
    mode: ImportMode
    atomic: bool
    rows: int
    rejected: int
    counts: ImportCounts
    committed: bool
    errors: list[RowError] = field(default_factory=list)
    replayed: bool = False  # the stored answer to an earlier request with the same key

    @property
    def errors_truncated(self) -> bool:
        return self.rejected > len(self.errors)


class FileProblem(Exception):
    """The file itself cannot be read (encoding, header, cut off): nothing is imported."""

    def __init__(self, line: int, reason: str, code: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.error = RowError(line, "file", reason, code)


class RowSource(Protocol):
    """An uploaded file, read as it arrives (api.uploads.Upload)."""

    async def open(self) -> Sequence[str] | None:
        """The header's headings (CSV), or None where each record names its fields."""
        ...

    def rows(self) -> AsyncIterator[tuple[int, Mapping[str, str]]]:
        """(line, {heading: value}) for each record; raises FileProblem if damaged."""
        ...

    def digest(self) -> str:
        """A digest of everything read so far, to recognise a repeated request."""
        ...


def _key(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", heading.strip().lower()).strip("_")


def column_map(
    headings: Sequence[str], aliases: Mapping[str, tuple[str, ...]], required: Sequence[str]
) -> dict[str, str]:
    """{file heading: field} for the headings we know, from the field names and the
    aliases common MIS exports use (docs/imports.md); raises FileProblem for a missing column or a
    field given twice. Unknown columns are ignored, so wider exports can be sent as-is."""
    by_key = {_key(name): name for name in aliases}
    for name, names in aliases.items():
        by_key.update({_key(alias): name for alias in names})
    mapping: dict[str, str] = {}
    for heading in headings:
        known = by_key.get(_key(heading))
        if known is None:
            continue
        name = known
        if name in mapping.values():
            raise FileProblem(1, f"two columns give {name}: {heading!r} is the second", "duplicate")
        mapping[heading] = name
    given = set(mapping.values())
    if missing := [name for name in required if name not in given]:
        raise FileProblem(1, f"missing column(s): {', '.join(missing)}", "missing_column")
    return mapping
