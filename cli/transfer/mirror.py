"""A local copy kept current from the change feed: one NDJSON file per resource, each line a
row's latest state (`{"id", "school_id", ...data}`), plus a state file holding the cursor.

Applying a page rewrites the files it touched (each to a temporary name, then renamed), and
only then saves the page's cursor. A crash in between replays that page on the next run;
an upsert or delete applied twice leaves the same state, so nothing is lost or doubled.
"""

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stepwise_client import Change

#: a resource name that is safe as a file name (a feed could otherwise name '../x')
_FILE_SAFE = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")


class MirrorProblem(Exception):
    """The state file or a resource file is not one `stepwise sync` wrote."""


@dataclass(frozen=True, slots=True)
class Applied:
    upserts: int
    deletes: int


def _write_atomically(path: Path, lines: list[str]) -> None:
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
    ) as file:
        file.writelines(lines)
        file.flush()
        os.fsync(file.fileno())
    Path(file.name).replace(path)


class SyncState:
    """The cursor after the last applied page; absent means from the feed's beginning."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> str | None:
        if not self.path.exists():
            return None
        try:
            body = json.loads(self.path.read_text(encoding="utf-8"))
            cursor = body["cursor"]
        except (ValueError, KeyError, TypeError) as error:
            raise MirrorProblem(f"{self.path} is not a sync state file: {error}") from error
        return None if cursor is None else str(cursor)

    def save(self, cursor: str | None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(self.path, [json.dumps({"cursor": cursor}) + "\n"])


class Mirror:
    """The per-resource NDJSON files in `directory`, loaded when first touched."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._rows: dict[str, dict[str, dict[str, Any]]] = {}

    def file(self, resource: str) -> Path:
        if not _FILE_SAFE.fullmatch(resource):
            raise MirrorProblem(f"the feed named a resource that is not a file name: {resource!r}")
        return self.directory / f"{resource}.ndjson"

    def rows(self, resource: str) -> dict[str, dict[str, Any]]:
        """The resource's rows by id, as the file holds them."""
        if resource not in self._rows:
            path, found = self.file(resource), {}
            if path.exists():
                with path.open(encoding="utf-8") as lines:
                    for number, line in enumerate(lines, start=1):
                        try:
                            row = json.loads(line)
                            found[str(row["id"])] = row
                        except (ValueError, KeyError, TypeError) as error:
                            raise MirrorProblem(f"{path}:{number} is not a row: {error}") from error
            self._rows[resource] = found
        return self._rows[resource]

    def apply(self, changes: list[Change]) -> Applied:
        """Apply a page's changes in order and rewrite the files they touched."""
        touched: set[str] = set()
        upserts = deletes = 0
        for change in changes:
            rows = self.rows(change.resource)
            touched.add(change.resource)
            if change.action == "delete":
                rows.pop(change.id, None)
                deletes += 1
            else:
                rows[change.id] = {"id": change.id, "school_id": change.school_id,
                                   **(change.data or {})}  # fmt: skip
                upserts += 1
        self.directory.mkdir(parents=True, exist_ok=True)
        for resource in sorted(touched):
            lines = [
                json.dumps(row, ensure_ascii=False) + "\n" for row in self.rows(resource).values()
            ]
            _write_atomically(self.file(resource), lines)
        return Applied(upserts, deletes)
