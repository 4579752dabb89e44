"""Argon2id password and secret hashing (the domain's PasswordHasher port), off the event loop."""

import anyio.to_thread
from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError

# A syntactically valid hash to verify against when the account does not exist,
# so a wrong email costs the same time as a wrong password.
_DUMMY = (
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA"
    "$8nDDxXb+dHRsfc7l2jVgLyC0+tqz6GzRj7iRBoX5o9U"
)


class Argon2PasswordHasher:
    def __init__(self, time_cost: int = 2, memory_cost: int = 19_456) -> None:
        # OWASP's minimum argon2id profile: m=19 MiB, t=2, p=1
        self._argon = Argon2(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._argon.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await anyio.to_thread.run_sync(self._verify, password_hash or _DUMMY, password)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
