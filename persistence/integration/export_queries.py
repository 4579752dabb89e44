"""The ExportQueries port: one set-based statement per kind of record, joined to readable
columns (strand and step codes, academic year, module number), read through a server-side
cursor.

Each kind's statement is in its feature (persistence.records: `StoredKind.export`); it lists
its columns in the order of the domain's record type and is ordered by the table's primary
key, so the cursor streams from the index without a sort and an export comes out the same
way every time.
"""

import uuid
from collections.abc import AsyncGenerator
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID

from domain.integration.exports import ExportFilter, ExportRecord
from persistence.records import stored_kinds
from persistence.repository import ScopedRepository


class SqlExportQueries(ScopedRepository):
    async def batches(
        self, resource: str, export_filter: ExportFilter, size: int
    ) -> AsyncGenerator[list[ExportRecord], None]:
        stored = stored_kinds()[resource]
        template, conditions = stored.export or "", stored.conditions
        found = conditions(export_filter) if conditions else []
        where = "".join(f"\n  AND {c}" for c in found)
        statement = text(template.format(where=where)).bindparams(
            bindparam("schools", type_=ARRAY(PG_UUID(as_uuid=True)))
        )
        result = await self.session.stream(
            statement, self._params(export_filter), execution_options={"yield_per": size}
        )
        try:
            async for partition in result.partitions(size):
                yield [tuple(row) for row in partition]
        finally:
            await result.close()

    def _params(self, f: ExportFilter) -> dict[str, Any]:
        schools: list[uuid.UUID] = [
            s for s in f.school_ids if self.scope.school_ids is None or s in self.scope.school_ids
        ]
        params: dict[str, Any] = {"schools": schools, "as_at": f.as_at}
        if f.since is not None:
            params["since"] = f.since
        if f.until is not None:
            params["until"] = f.until
        if f.academic_year is not None:
            params["year"] = f.academic_year.label
            params["year_starts"] = f.academic_year.starts_on
            params["year_ends"] = f.academic_year.ends_on
        if f.module is not None:
            params["module"] = f.module
        return params
