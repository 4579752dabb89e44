"""Import reports over HTTP: what was read, written and rejected, row by row."""

from pydantic import BaseModel

from domain.integration.imports import ImportMode, ImportReport


class RowErrorOut(BaseModel):
    line: int
    field: str
    reason: str
    code: str


class ImportCountsOut(BaseModel):
    inserted: int
    updated: int
    unchanged: int


class ImportReportOut(BaseModel):
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

    @classmethod
    def of(cls, report: ImportReport) -> "ImportReportOut":
        return cls(
            resource=report.resource,
            mode=report.mode,
            atomic=report.atomic,
            rows=report.rows,
            rejected=report.rejected,
            committed=report.committed,
            replayed=report.replayed,
            counts=ImportCountsOut(
                inserted=report.counts.inserted,
                updated=report.counts.updated,
                unchanged=report.counts.unchanged,
            ),
            errors=[
                RowErrorOut(line=e.line, field=e.field, reason=e.reason, code=e.code)
                for e in report.errors
            ],
            errors_truncated=report.errors_truncated,
        )
