"""`Stepwise`: the API from ordinary (blocking) Python, over httpx.Client."""

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Self, TypeVar, cast

import httpx

from stepwise_client import operations
from stepwise_client.actions import (
    DEFAULT_TIMEOUT,
    USER_AGENT,
    Action,
    Call,
    Close,
    Flow,
    Read,
    Send,
    Sleep,
    Upload,
)
from stepwise_client.errors import ConnectionFailed
from stepwise_client.models import ChangePage, ExportSummary, ImportReport, School
from stepwise_client.operations import ExportFormat, ImportMode, SchoolKey
from stepwise_client.session import RetryPolicy, Session, credentials_from

T = TypeVar("T")


class Stepwise:
    """A Stepwise API client. Sign in with one of client_id + client_secret (an integration
    client), username + password (staff) or a ready token; use it as a context manager or
    `close()` it.

    >>> with Stepwise("https://stepwise.example", client_id=..., client_secret=...) as api:
    ...     report = api.import_file("judgements", "judgements.csv", school="118956")
    """

    def __init__(
        self,
        base_url: str,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        credentials = credentials_from(client_id, client_secret, username, password, token)
        self.session = Session(credentials, retry)
        self._http = httpx.Client(
            base_url=base_url,
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT},
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- operations ------------------------------------------------------------------------

    def schools(self, trust_id: uuid.UUID | None = None) -> list[School]:
        return self.run(operations.schools(self.session, trust_id))

    def school(self, key: str) -> School:
        """The school with this URN or id; SchoolNotFound if the credentials cannot see it."""
        return self.run(operations.school(self.session, key))

    def import_file(
        self,
        resource: str,
        source: str | Path | BinaryIO,
        *,
        school: SchoolKey,
        mode: ImportMode = "commit",
        atomic: bool = True,
        idempotency_key: str | None = None,
        content_type: str | None = None,
        source_name: str | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """Stream a CSV or NDJSON file to /imports/{resource} and return the report.

        A refused atomic import is a report with `committed` false, not an exception.
        `on_progress(bytes_sent)` is called as the file goes.
        """
        upload, name = Upload.of(source, content_type, source_name, on_progress)
        return self.run(
            operations.import_rows(
                self.session, resource, upload, school, idempotency_key, mode, atomic, name
            )
        )

    def export(
        self,
        resource: str,
        out: BinaryIO,
        *,
        format: ExportFormat = "csv",
        school: SchoolKey | None = None,
        trust_id: uuid.UUID | None = None,
        academic_year: str | None = None,
        module: int | None = None,
        since: str | None = None,
        until: str | None = None,
        on_progress: Callable[[ExportSummary], None] | None = None,
    ) -> ExportSummary:
        """Stream /exports/{resource} into `out`, chunk by chunk, never whole."""
        response = self.run(
            operations.export(
                self.session, resource, format, school, trust_id, academic_year, module,
                since, until,
            )
        )  # fmt: skip
        summary = ExportSummary(content_type=response.headers.get("content-type", ""))
        try:
            for chunk in response.iter_bytes():
                out.write(chunk)
                summary.add(chunk)
                if on_progress is not None:
                    on_progress(summary)
        except httpx.TransportError as error:
            raise ConnectionFailed(f"the export was cut off: {error}") from error
        finally:
            response.close()
        return summary

    def changes(
        self,
        since: str | None = None,
        *,
        resources: Iterable[str] = (),
        school_id: uuid.UUID | None = None,
        limit: int | None = None,
    ) -> Iterator[ChangePage]:
        """Pages of the change feed after `since`, until the feed has no more.

        Save each page's `next_cursor` once its changes are applied, to resume there.
        """
        resources = list(resources)
        while True:
            page = self.run(
                operations.change_page(self.session, since, resources, school_id, limit)
            )
            yield page
            since = page.next_cursor
            if not page.has_more:
                return

    def follow(
        self,
        since: str | None = None,
        *,
        interval: float = 30.0,
        resources: Iterable[str] = (),
        school_id: uuid.UUID | None = None,
        limit: int | None = None,
    ) -> Iterator[ChangePage]:
        """Like `changes`, but never ends: when caught up, polls every `interval` seconds
        (yielding each poll's page, empty or not, so the cursor can be saved)."""
        resources = list(resources)
        while True:
            for page in self.changes(since, resources=resources, school_id=school_id, limit=limit):
                yield page
                since = page.next_cursor
            time.sleep(interval)

    def latest_cursor(self) -> str | None:
        return self.run(operations.latest_cursor(self.session))

    # --- transport ---------------------------------------------------------------------------

    def run(self, flow: Flow[T]) -> T:
        """Carry out a flow's actions over HTTP until it returns."""
        reply: Any = None
        failure: httpx.TransportError | None = None
        while True:
            try:
                action = flow.throw(failure) if failure is not None else flow.send(reply)
            except StopIteration as stop:
                return cast(T, stop.value)
            except httpx.TransportError as error:
                raise ConnectionFailed(f"the connection failed: {error}") from error
            reply, failure = None, None
            try:
                reply = self._perform(action)
            except httpx.TransportError as error:
                failure = error

    def _perform(self, action: Action) -> httpx.Response | None:
        match action:
            case Send(call):
                return self._http.send(self._request(call), stream=True)
            case Read(response):
                response.read()
            case Close(response):
                response.close()
            case Sleep(seconds):
                time.sleep(seconds)
        return None

    def _request(self, call: Call) -> httpx.Request:
        return self._http.build_request(
            call.method,
            call.path,
            params=tuple(call.params),
            headers=call.headers,
            data=call.form,
            content=None if call.upload is None else _chunks(call.upload),
        )


def _chunks(upload: Upload) -> Iterator[bytes]:
    with upload.reader() as file:
        sent = 0
        while chunk := file.read(upload.chunk_size):
            yield chunk
            sent += len(chunk)
            upload.sent(sent)
