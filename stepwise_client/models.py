"""Typed answers from the API, parsed from its JSON (unknown fields are ignored, so a newer
server does not break an older client)."""

import uuid
from dataclasses import dataclass
from typing import Any, Literal

from stepwise_client.errors import FieldProblem


@dataclass(frozen=True, slots=True)
class School:
    id: uuid.UUID
    trust_id: uuid.UUID
    urn: str
    name: str
    type: str

    @classmethod
    def of(cls, body: dict[str, Any]) -> "School":
        return cls(
            id=uuid.UUID(body["id"]),
            trust_id=uuid.UUID(body["trust_id"]),
            urn=str(body["urn"]),
            name=str(body["name"]),
            type=str(body["type"]),
        )


@dataclass(frozen=True, slots=True)
class RowError:
    """A rejected row: line 1 is a CSV file's header, or an NDJSON file's first record."""

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
    """What an import read, would write (validate) or wrote (commit), and every rejection.

    A refused atomic import (HTTP 422) is a report too, with `committed` false and the
    problem's `detail`; `errors` lists the first rejected rows (`rejected` counts them all).
    """

    resource: str
    mode: Literal["validate", "commit"]
    atomic: bool
    rows: int
    rejected: int
    committed: bool
    replayed: bool
    counts: ImportCounts
    errors: list[RowError]
    errors_truncated: bool
    idempotency_key: str
    detail: str = ""

    @property
    def clean(self) -> bool:
        """No row rejected: a validate found nothing to fix, a commit wrote every row."""
        return self.rejected == 0

    @classmethod
    def of(
        cls, body: dict[str, Any], idempotency_key: str, replayed_header: bool
    ) -> "ImportReport":
        counts = body.get("counts") or {}
        return cls(
            resource=str(body["resource"]),
            mode="validate" if body["mode"] == "validate" else "commit",
            atomic=bool(body["atomic"]),
            rows=int(body["rows"]),
            rejected=int(body["rejected"]),
            committed=bool(body["committed"]),
            replayed=bool(body.get("replayed")) or replayed_header,
            counts=ImportCounts(
                inserted=int(counts.get("inserted", 0)),
                updated=int(counts.get("updated", 0)),
                unchanged=int(counts.get("unchanged", 0)),
            ),
            errors=[
                RowError(int(e["line"]), str(e["field"]), str(e["reason"]), str(e["code"]))
                for e in body.get("errors") or []
            ],
            errors_truncated=bool(body.get("errors_truncated")),
            idempotency_key=idempotency_key,
            detail=str(body.get("detail") or ""),
        )

    @staticmethod
    def describes(body: object) -> bool:
        """Whether a body (a 200, or a 422 problem) is an import report."""
        return isinstance(body, dict) and {"rows", "rejected", "committed"} <= body.keys()


@dataclass(frozen=True, slots=True)
class Change:
    """One row's change: `data` is its new state on an upsert, None on a delete."""

    resource: str
    action: Literal["upsert", "delete"]
    id: str
    school_id: str | None
    data: dict[str, Any] | None

    @classmethod
    def of(cls, body: dict[str, Any]) -> "Change":
        action = body["action"]
        if action not in ("upsert", "delete"):
            raise ValueError(f"unknown change action {action!r}")
        school_id = body.get("school_id")
        data = body.get("data")
        return cls(
            resource=str(body["resource"]),
            action=action,
            id=str(body["id"]),
            school_id=None if school_id is None else str(school_id),
            data=data if isinstance(data, dict) else None,
        )


@dataclass(frozen=True, slots=True)
class ChangePage:
    """A page of the change feed; `next_cursor` resumes after its last change."""

    changes: list[Change]
    next_cursor: str | None
    has_more: bool

    @classmethod
    def of(cls, body: dict[str, Any]) -> "ChangePage":
        cursor = body.get("next_cursor")
        return cls(
            changes=[Change.of(c) for c in body.get("changes") or []],
            next_cursor=None if cursor is None else str(cursor),
            has_more=bool(body.get("has_more")),
        )


@dataclass(slots=True)
class ExportSummary:
    """How much an export wrote: bytes, and lines (for CSV, the header is one of them)."""

    size: int = 0
    lines: int = 0
    content_type: str = ""

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self.lines += chunk.count(b"\n")


@dataclass(frozen=True, slots=True)
class Token:
    access_token: str
    expires_at: float  # time.monotonic() seconds

    def fresh(self, now: float, margin: float = 30.0) -> bool:
        return now < self.expires_at - margin


def field_problems(body: dict[str, Any]) -> list[FieldProblem]:
    return [
        FieldProblem(str(e.get("field", "")), str(e.get("reason", "")), str(e.get("code", "")))
        for e in body.get("errors") or []
        if isinstance(e, dict)
    ]
