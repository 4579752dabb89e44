"""Argon2id password and secret hashing (the domain's PasswordHasher port), off the event loop."""

import secrets

import anyio.to_thread
from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2PasswordHasher:
    def __init__(self, time_cost: int = 2, memory_cost: int = 19_456) -> None:
        # OWASP's minimum argon2id profile: m=19 MiB, t=2, p=1
        self._argon = Argon2(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)
        # what an unknown account is checked against: a hash made with these same costs, so
        # a wrong email takes the time a wrong password does
        self._dummy = self._argon.hash(secrets.token_hex(16))

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._argon.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await anyio.to_thread.run_sync(self._verify, password_hash or self._dummy, password)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
