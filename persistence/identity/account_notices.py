"""Telling every server process, through PostgreSQL, that an account has changed.

Each process keeps who a token speaks for for a few seconds (api.runtime.PrincipalCache).
When an account is deactivated, changed or given a new password, or a client revoked, the
transaction that does it also sends a notification on CHANNEL (delivered when it commits,
dropped if it rolls back), and every listening process forgets that account at once, so
ended tokens stop working everywhere, not just where the change was made.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.urls import libpq_url

CHANNEL = "stepwise_accounts"
_NOTIFY = text(f"SELECT pg_notify('{CHANNEL}', :payload)")

logger = logging.getLogger("stepwise.accounts")


async def announce(session: AsyncSession, kind: str, subject: str) -> None:
    """Within the transaction that changes the account: `kind` user or client."""
    await session.execute(_NOTIFY, {"payload": f"{kind}:{subject}"})


def _setter(event: asyncio.Event) -> Callable[[object], None]:
    return lambda _: event.set()


class AccountListener:
    """Listens on CHANNEL for as long as it runs, reconnecting after a lost connection.
    `heard(kind, subject)` is called for each account announced; `lost()` whenever the
    connection is down (nothing can be heard then, so nothing cached may be trusted) and
    `found()` once it listens again."""

    def __init__(
        self,
        url: str,
        heard: Callable[[str, str], None],
        lost: Callable[[], None],
        found: Callable[[], None],
    ) -> None:
        self._url = libpq_url(url)
        self._heard = heard
        self._lost = lost
        self._found = found
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="account-notices")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        wait = 0.5
        while True:
            closed = asyncio.Event()
            try:
                connection = await asyncpg.connect(self._url)
            except (OSError, asyncpg.PostgresError) as error:
                self._lost()
                logger.warning("account notices: cannot listen (%s)", type(error).__name__)
                await asyncio.sleep(wait)
                wait = min(wait * 2, 10.0)
                continue
            try:
                connection.add_termination_listener(_setter(closed))
                await connection.add_listener(CHANNEL, self._on_notice)
                self._found()
                wait = 0.5
                await closed.wait()
                self._lost()
            finally:
                with contextlib.suppress(Exception):
                    await connection.close()

    def _on_notice(self, _: object, __: int, ___: str, payload: object) -> None:
        kind, _, subject = str(payload).partition(":")
        self._heard(kind, subject)
