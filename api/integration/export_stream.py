"""An export as an HTTP body: CSV or NDJSON written batch by batch as the cursor reads them.

Starlette's StreamingResponse stops on a client disconnect by cancelling the body's task,
which can land inside a database fetch and interrupt the transaction's rollback; and it
never closes the body iterator. This response instead notices the disconnect between
batches, stops reading, and always closes the export (cursor, transaction, connection back
to the pool), shielded from cancellation, however the response ends.
"""

import asyncio
import csv
import io
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import suppress
from datetime import date
from typing import Literal

import anyio
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from api.integration.spreadsheet_cells import TRIGGERS, neutralised
from domain.integration.export_service import Export, Row

logger = logging.getLogger("stepwise.api")

Format = Literal["csv", "ndjson"]

#: a text cell beginning otherwise is never changed (checked first, for speed)
_FIRST_CHARACTERS = frozenset((*TRIGGERS, "'"))

MEDIA_TYPES: dict[Format, str] = {
    "csv": "text/csv; charset=utf-8",
    "ndjson": "application/x-ndjson",
}


def csv_chunks(export: Export) -> AsyncIterator[bytes]:
    """The header row, then one chunk per batch; true/false for flags, empty for none, and
    text a spreadsheet would run as a formula made inert (api/spreadsheet_cells.py)."""

    async def chunks() -> AsyncIterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(export.columns)
        yield buffer.getvalue().encode()
        flags, texts = sorted(export.booleans), sorted(export.texts)
        async for batch in export.batches:
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(_spreadsheet_rows(batch, flags, texts))
            yield buffer.getvalue().encode()

    return chunks()


def _spreadsheet_rows(
    batch: Sequence[Row], flags: list[int], texts: list[int]
) -> Iterator[Sequence[object]]:
    """Each row as a spreadsheet should read it; a row needing no change is passed on as is."""
    for row in batch:
        cells: list[object] | None = None
        for i in flags:
            if row[i] is not None:
                cells = cells or list(row)
                cells[i] = "true" if row[i] else "false"
        for i in texts:
            value = row[i]
            if value and isinstance(value, str) and value[0] in _FIRST_CHARACTERS:
                safe = neutralised(value)
                if safe is not value:
                    cells = cells or list(row)
                    cells[i] = safe
        yield row if cells is None else cells


def ndjson_chunks(export: Export) -> AsyncIterator[bytes]:
    """One JSON object a line, keyed by the column names; dates and ids as strings."""

    async def chunks() -> AsyncIterator[bytes]:
        columns = export.columns
        dumps = json.JSONEncoder(ensure_ascii=False, default=_json_value).encode
        async for batch in export.batches:
            lines = [dumps(dict(zip(columns, row, strict=True))) for row in batch]
            if lines:
                yield ("\n".join(lines) + "\n").encode()

    return chunks()


def _json_value(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)  # uuid.UUID


class ExportResponse(StreamingResponse):
    """Streams `chunks`, then awaits `close` whatever happened (see the module's notes)."""

    media_type = "text/csv"  # for the OpenAPI document; each response sets its own

    def __init__(
        self,
        chunks: AsyncIterator[bytes],
        close: Callable[[], Awaitable[None]],
        media_type: str,
        file_name: str,
    ) -> None:
        super().__init__(
            chunks,
            media_type=media_type,
            headers={
                "Content-Disposition": f'attachment; filename="{file_name}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )
        self.chunks = chunks
        self.close = close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gone = asyncio.Event()

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()

        watcher = asyncio.ensure_future(watch())
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": self.status_code,
                    "headers": self.raw_headers,
                }
            )
            async for chunk in self.chunks:
                if gone.is_set():
                    logger.info("export stopped: the client went away")
                    return
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:  # ASGI 2.4 servers raise on send once the client has gone
            logger.info("export stopped: the client went away")
        finally:
            watcher.cancel()
            with anyio.CancelScope(shield=True):
                with suppress(asyncio.CancelledError):
                    await watcher
                aclose = getattr(self.chunks, "aclose", None)
                if aclose is not None:
                    await aclose()
                await self.close()
