"""`AsyncStepwise`: the same API as `Stepwise`, awaited, over httpx.AsyncClient."""

import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Self, TypeVar, cast

import anyio
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


class AsyncStepwise:
    """An asynchronous Stepwise API client (asyncio or trio); see `Stepwise` for the methods.

    >>> async with AsyncStepwise("https://stepwise.example", token=...) as api:
    ...     async for page in api.changes():
    ...         ...
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
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        credentials = credentials_from(client_id, client_secret, username, password, token)
        self.session = Session(credentials, retry)
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT},
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- operations ------------------------------------------------------------------------

    async def schools(self, trust_id: uuid.UUID | None = None) -> list[School]:
        return await self.run(operations.schools(self.session, trust_id))

    async def school(self, key: str) -> School:
        return await self.run(operations.school(self.session, key))

    async def import_file(
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
        upload, name = Upload.of(source, content_type, source_name, on_progress)
        return await self.run(
            operations.import_rows(
                self.session, resource, upload, school, idempotency_key, mode, atomic, name
            )
        )

    async def export(
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
        response = await self.run(
            operations.export(
                self.session, resource, format, school, trust_id, academic_year, module,
                since, until,
            )
        )  # fmt: skip
        summary = ExportSummary(content_type=response.headers.get("content-type", ""))
        try:
            async for chunk in response.aiter_bytes():
                out.write(chunk)
                summary.add(chunk)
                if on_progress is not None:
                    on_progress(summary)
        except httpx.TransportError as error:
            raise ConnectionFailed(f"the export was cut off: {error}") from error
        finally:
            await response.aclose()
        return summary

    async def changes(
        self,
        since: str | None = None,
        *,
        resources: Iterable[str] = (),
        school_id: uuid.UUID | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[ChangePage]:
        resources = list(resources)
        while True:
            page = await self.run(
                operations.change_page(self.session, since, resources, school_id, limit)
            )
            yield page
            since = page.next_cursor
            if not page.has_more:
                return

    async def follow(
        self,
        since: str | None = None,
        *,
        interval: float = 30.0,
        resources: Iterable[str] = (),
        school_id: uuid.UUID | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[ChangePage]:
        resources = list(resources)
        while True:
            async for page in self.changes(
                since, resources=resources, school_id=school_id, limit=limit
            ):
                yield page
                since = page.next_cursor
            await anyio.sleep(interval)

    async def latest_cursor(self) -> str | None:
        return await self.run(operations.latest_cursor(self.session))

    # --- transport ---------------------------------------------------------------------------

    async def run(self, flow: Flow[T]) -> T:
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
                reply = await self._perform(action)
            except httpx.TransportError as error:
                failure = error

    async def _perform(self, action: Action) -> httpx.Response | None:
        match action:
            case Send(call):
                return await self._http.send(self._request(call), stream=True)
            case Read(response):
                await response.aread()
            case Close(response):
                await response.aclose()
            case Sleep(seconds):
                await anyio.sleep(seconds)
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


async def _chunks(upload: Upload) -> AsyncIterator[bytes]:
    """The upload's bytes, each read in a worker thread so the event loop never blocks."""
    with upload.reader() as file:
        sent = 0
        while chunk := await anyio.to_thread.run_sync(file.read, upload.chunk_size):
            yield chunk
            sent += len(chunk)
            upload.sent(sent)
