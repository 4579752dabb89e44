"""An event loop in a thread of its own, for work that must not hold up the service's loop.

Resolving a GraphQL operation is Python work from end to end: a page of a hundred pupils
with their judgements is tens of thousands of fields completed by graphql-core, in stretches
of a few hundred milliseconds during which the event loop that runs them answers nothing
else. On the service's own loop that stopped `/health` answering under a handful of heavy
(but permitted) queries. On this loop, in another thread, the operating system and the GIL's
switch interval (5 ms) share the CPU, so the service's loop keeps answering while a heavy
operation runs.

The worker has a runtime of its own: the same settings, keys and caches, and a database
whose engines were opened on this loop (`Database.twin`), since a connection belongs to the
loop that opened it. Work submitted from the service's loop is awaited there; cancelling it
(a client that went away) cancels it here.
"""

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from api.runtime import Runtime

T = TypeVar("T")


class WorkerLoop:
    def __init__(self, name: str, runtime: Runtime) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self.runtime = replace(runtime, database=runtime.database.twin(), worker=None)

    def start(self) -> None:
        self._thread.start()

    async def run(self, work: Callable[[Runtime], Awaitable[T]]) -> T:
        """`work(runtime)` run on the worker's loop with the worker's runtime; its result."""

        async def on_worker() -> T:
            return await work(self.runtime)

        future = asyncio.run_coroutine_threadsafe(on_worker(), self._loop)
        return await asyncio.wrap_future(future)

    async def stop(self) -> None:
        """Close the worker's connections, then its loop and thread."""
        if self._thread.is_alive():
            closing = asyncio.run_coroutine_threadsafe(self.runtime.database.dispose(), self._loop)
            await asyncio.wrap_future(closing)
            self._loop.call_soon_threadsafe(self._loop.stop)
            await asyncio.to_thread(self._thread.join)
        self._loop.close()
