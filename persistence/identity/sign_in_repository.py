"""Failed sign-ins, counted in PostgreSQL so that every server process shares the count."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, text, tuple_
from sqlmodel import col

from domain.identity.sign_in import Rules, ThrottleKey
from persistence.identity.tables import SignInFailureRow
from persistence.repository import ScopedRepository

#: one failure more, a new count after a quiet spell, and when the next attempt may come;
#: one statement, so concurrent failures on several processes all count
_FAILED = text(
    """
    INSERT INTO sign_in_failures AS f (scope, key, failures, last_failed_at, blocked_until)
    VALUES (:scope, :key, 1, :now, NULL)
    ON CONFLICT (scope, key) DO UPDATE SET
        failures = CASE WHEN f.last_failed_at < :now - make_interval(secs => :window)
                        THEN 1 ELSE f.failures + 1 END,
        last_failed_at = :now
    RETURNING failures
    """
)
_BLOCK = text(
    "UPDATE sign_in_failures SET blocked_until = :until WHERE scope = :scope AND key = :key"
)


class SqlSignInLedger(ScopedRepository):
    async def blocked_until(self, keys: Sequence[ThrottleKey], now: datetime) -> datetime | None:
        """The latest time any of `keys` must wait until, if it is still to come."""
        stmt = select(func.max(SignInFailureRow.blocked_until)).where(
            tuple_(SignInFailureRow.scope, SignInFailureRow.key).in_(
                [(k.scope.value, k.key) for k in keys]
            ),
            col(SignInFailureRow.blocked_until) > now,
        )
        found: datetime | None = await self.session.scalar(stmt)
        return found

    async def record_failure(
        self, keys: Sequence[ThrottleKey], now: datetime, rules: Rules
    ) -> None:
        for key in keys:
            rule = rules[key.scope]
            failures = await self.session.scalar(
                _FAILED,
                {
                    "scope": key.scope.value,
                    "key": key.key,
                    "now": now,
                    "window": rule.window.total_seconds(),
                },
            )
            wait = rule.wait_after(int(failures or 0))
            await self.session.execute(
                _BLOCK, {"scope": key.scope.value, "key": key.key, "until": now + wait}
            )

    async def forget(self, key: ThrottleKey) -> None:
        await self.session.execute(
            delete(SignInFailureRow).where(
                col(SignInFailureRow.scope) == key.scope.value,
                col(SignInFailureRow.key) == key.key,
            )
        )
