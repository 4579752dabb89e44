"""Import reports over HTTP: what was read, written and rejected, row by row."""

from api.schemas import ReadModel
from domain.integration.imports import ImportMode


class RowErrorOut(ReadModel):
    line: int
    field: str
    reason: str
    code: str


class ImportCountsOut(ReadModel):
    inserted: int
    updated: int
    unchanged: int


class ImportReportOut(ReadModel):
    resource: str
    mode: ImportMode
    atomic: bool
    rows: int
    rejected: int
    committed: bool
    replayed: bool
    counts: ImportCountsOut
    errors: list[RowErrorOut]
    errors_truncated: bool
