"""The sans-I/O core: a request is described as data, and each operation is a generator that
yields actions (send this, read that, wait so long) for a transport to carry out.

`Stepwise` (httpx.Client) and `AsyncStepwise` (httpx.AsyncClient) differ only in how they
carry the actions out, so authentication, retries, paging and parsing are written once.
"""

import io
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import httpx

T = TypeVar("T")

#: bytes read from an upload per chunk sent
CHUNK_SIZE = 64 * 1024
#: a long read timeout: the server answers an import once it has checked every row
DEFAULT_TIMEOUT = httpx.Timeout(30.0, read=600.0)
USER_AGENT = "stepwise-client/0.1"

CONTENT_TYPES = {
    ".csv": "text/csv",
    ".ndjson": "application/x-ndjson",
    ".jsonl": "application/x-ndjson",
}


class Upload:
    """A request body read in chunks as it is sent, never whole.

    A file named by path, or a seekable stream, can be read again from its start, so a
    request carrying it can be retried; a pipe cannot (a retry is refused instead).
    `on_progress(sent)` is called with the bytes sent so far in the current attempt.
    """

    def __init__(
        self,
        source: str | Path | BinaryIO,
        content_type: str,
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        self.content_type = content_type
        self.on_progress = on_progress
        self._path = Path(source) if isinstance(source, str | Path) else None
        self._stream = None if isinstance(source, str | Path) else source
        self._start = 0
        self.rereadable = True
        if self._stream is not None:
            try:
                self.rereadable = self._stream.seekable()
                self._start = self._stream.tell() if self.rereadable else 0
            except (OSError, io.UnsupportedOperation):
                self.rereadable = False
        self._used = False
        self.chunk_size = CHUNK_SIZE

    @classmethod
    def of(
        cls,
        source: str | Path | BinaryIO,
        content_type: str | None = None,
        name: str | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> tuple["Upload", str]:
        """An upload and its file name (for the import's history) from a path or stream;
        the content type follows the extension (.csv, .ndjson, .jsonl) unless given."""
        path_name = Path(source).name if isinstance(source, str | Path) else ""
        name = path_name if name is None else name
        content_type = content_type or content_type_for(name or "")
        if content_type is None:
            raise ValueError(
                f"cannot tell whether {name or 'the stream'} is CSV or NDJSON: give content_type"
            )
        return cls(source, content_type, on_progress), name

    @property
    def size(self) -> int | None:
        """Total bytes, when known (for a progress bar)."""
        if self._path is not None:
            return self._path.stat().st_size
        if self._stream is not None and self.rereadable:
            end = self._stream.seek(0, io.SEEK_END)
            self._stream.seek(self._start)
            return end - self._start
        return None

    @contextmanager
    def reader(self) -> Iterator[BinaryIO]:
        """The body from its first byte (a fresh open, or a seek back for a retry)."""
        if self._path is not None:
            with self._path.open("rb") as file:
                yield file
            return
        if self._stream is None:
            raise ValueError("an upload needs a path or a stream")
        if self._used and not self.rereadable:
            raise ValueError("this upload is a one-way stream and cannot be sent twice")
        if self.rereadable:
            self._stream.seek(self._start)
        self._used = True
        yield self._stream

    def sent(self, count: int) -> None:
        if self.on_progress is not None:
            self.on_progress(count)


@dataclass(frozen=True, slots=True)
class Call:
    """One HTTP request as data. `retry`: safe to send again (a read, or a write with an
    Idempotency-Key); `authorised`: needs a bearer token."""

    method: str
    path: str
    params: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None
    upload: Upload | None = None
    retry: bool = True
    authorised: bool = True

    def with_headers(self, **headers: str) -> "Call":
        return replace(self, headers={**self.headers, **headers})


@dataclass(frozen=True, slots=True)
class Send:
    """Send `call`; answer with the response, its body not yet read (streamed)."""

    call: Call


@dataclass(frozen=True, slots=True)
class Read:
    """Read `response`'s whole body (a JSON answer or an error), closing it."""

    response: httpx.Response


@dataclass(frozen=True, slots=True)
class Close:
    """Discard `response` unread (before a retry)."""

    response: httpx.Response


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


Action = Send | Read | Close | Sleep

#: an operation: yields actions, is sent each one's result (or thrown an httpx.TransportError
#: when sending failed), and returns its answer
Flow = Generator[Action, Any, T]


def content_type_for(path: str | Path) -> str | None:
    """text/csv or application/x-ndjson, from a file name's extension."""
    return CONTENT_TYPES.get(Path(path).suffix.lower())
