"""An uploaded CSV or NDJSON body, read as it arrives: records out, a digest of the bytes.

Nothing holds the whole body: bytes are decoded incrementally (UTF-8, with or without a
byte-order mark, as Excel's "CSV UTF-8" writes), split into records (a CSV record may span
lines inside quotes) and parsed one at a time. A damaged file (not UTF-8, a row with the
wrong number of fields, a quote left open at the end, a line that is not a JSON object)
raises domain.imports.FileProblem with its line. A CSV cell's leading quote that an export
added to keep a spreadsheet from running it (api/spreadsheet_cells.py) is taken off again.
"""

import codecs
import csv
import hashlib
import json
from collections.abc import AsyncIterator, Sequence
from typing import Literal

from api.errors import ApiProblem
from api.integration.spreadsheet_cells import restored
from domain.integration.imports import FileProblem

Format = Literal["csv", "ndjson"]

CONTENT_TYPES: dict[str, Format] = {
    "text/csv": "csv",
    "application/csv": "csv",
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "application/jsonl": "ndjson",
}


class Upload:
    def __init__(self, chunks: AsyncIterator[bytes], content_type: str) -> None:
        self._chunks = chunks
        self.media_type = content_type.split(";")[0].strip().lower()
        self.format: Format | None = CONTENT_TYPES.get(self.media_type)
        self._digest = hashlib.sha256()
        self._lines = self._read_lines()
        self.headings: list[str] | None = None
        self._line = 0
        self._iterator = self._records()

    def digest(self) -> str:
        """sha256 of the bytes read so far (all of them, once the records are read)."""
        return self._digest.hexdigest()

    async def _read_lines(self) -> AsyncIterator[str]:
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        pending = ""
        async for chunk in self._chunks:
            self._digest.update(chunk)
            try:
                pending += decoder.decode(chunk)
            except UnicodeDecodeError as error:
                line = self._line + pending.count("\n") + 1
                raise FileProblem(
                    line,
                    f"not UTF-8 text ({error.reason}): save the export as CSV UTF-8",
                    "encoding",
                ) from error
            *complete, pending = pending.split("\n")
            for text in complete:
                yield text
        try:
            pending += decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            reason = "not UTF-8 text: the file ends mid-character"
            raise FileProblem(self._line + 1, reason, "encoding") from error
        if pending:
            yield pending

    async def _records(self) -> AsyncIterator[tuple[int, str]]:
        """(first line number, text) of each non-blank record; CSV records may span lines."""
        record, start = "", 0
        async for text in self._lines:
            self._line += 1
            if not record:
                start = self._line
                if not text.strip():
                    continue
                record = text
            else:
                record += "\n" + text
            if self.format == "ndjson" or record.count('"') % 2 == 0:
                yield start, record.rstrip("\r")
                record = ""
        if record:
            reason = "the file ends inside a quoted field: it was cut off"
            raise FileProblem(start, reason, "truncated")

    async def open(self) -> Sequence[str] | None:
        """Read a CSV file's header (NDJSON has none). The media type is checked here, once
        the use case has checked the caller, so an intruder learns nothing from a 415."""
        if self.format is None:
            raise ApiProblem(
                415,
                "Unsupported Media Type",
                f"send text/csv or application/x-ndjson, not {self.media_type or 'nothing'}",
            )
        if self.format != "csv":
            return None
        async for _, text in self._iterator:
            self.headings = [h.strip() for h in next(csv.reader([text]))]
            return self.headings
        raise FileProblem(1, "the file is empty: send a header row and data rows", "empty")

    async def rows(self) -> AsyncIterator[tuple[int, dict[str, str]]]:
        if self.format == "csv":
            headings = self.headings or []
            async for line, text in self._iterator:
                values = next(csv.reader([text]))
                if len(values) != len(headings):
                    raise FileProblem(
                        line,
                        f"{len(values)} fields where the header has {len(headings)}:"
                        " the file is damaged or cut off here",
                        "columns",
                    )
                yield line, dict(zip(headings, (restored(v) for v in values), strict=True))
            return
        async for line, text in self._iterator:
            try:
                record = json.loads(text)
            except json.JSONDecodeError as error:
                raise FileProblem(line, f"not JSON ({error.msg}): cut off?", "json") from error
            if not isinstance(record, dict):
                raise FileProblem(line, "each line must be a JSON object", "json")
            yield line, {str(k): "" if v is None else str(v) for k, v in record.items()}
