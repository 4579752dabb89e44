"""Sign-in throttling: after a few wrong passwords, each further attempt waits longer.

Guessing is limited per account (the e-mail or client id, whoever is guessing) and per client
address (whichever accounts it tries). A school's staff share one address behind its router,
so an address may fail many more times than an account before it waits. A failure that comes
after a quiet spell (`window`) starts the count again; a successful sign-in clears the
account's count (never the address's: one good password must not buy an address more
guesses at others).

Accounts are keyed by a hash of what was typed, so an account that does not exist is counted,
answered and timed exactly as one that does, and no e-mail address sits in the table.
"""

import enum
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta


class ThrottleScope(enum.StrEnum):
    ACCOUNT = "account"
    ADDRESS = "address"


@dataclass(frozen=True, slots=True)
class ThrottleKey:
    scope: ThrottleScope
    key: str

    @classmethod
    def account(cls, name: str) -> "ThrottleKey":
        """An e-mail address or client id, as typed (case and spaces aside)."""
        digest = hashlib.sha256(name.strip().lower().encode()).hexdigest()
        return cls(ThrottleScope.ACCOUNT, digest)

    @classmethod
    def address(cls, address: str) -> "ThrottleKey":
        return cls(ThrottleScope.ADDRESS, address[:64])


@dataclass(frozen=True, slots=True)
class ThrottleRule:
    #: failures allowed in a row before an attempt must wait
    free: int
    #: a failure this long after the last one starts the count again
    window: timedelta
    #: the longest wait after a failure
    longest: timedelta

    def wait_after(self, failures: int) -> timedelta:
        """1 s after the first failure past `free`, doubling each time, up to `longest`."""
        if failures <= self.free:
            return timedelta(0)
        doubled = 2 ** min(failures - self.free - 1, 30)
        return min(timedelta(seconds=doubled), self.longest)


Rules = Mapping[ThrottleScope, ThrottleRule]

#: the defaults (api.settings.AuthSettings can change them)
RULES: Rules = {
    ThrottleScope.ACCOUNT: ThrottleRule(
        free=5, window=timedelta(minutes=15), longest=timedelta(minutes=15)
    ),
    ThrottleScope.ADDRESS: ThrottleRule(
        free=50, window=timedelta(minutes=15), longest=timedelta(minutes=15)
    ),
}


class SignInThrottled(Exception):
    """Too many failed sign-ins: try again after `retry_after` seconds."""

    def __init__(self, blocked_until: datetime, now: datetime) -> None:
        self.retry_after = max(1, math.ceil((blocked_until - now).total_seconds()))
        super().__init__(f"try again in {self.retry_after} s")
