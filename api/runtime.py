"""What a running app holds: built once at start-up by the composition root."""

import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from api.identity.passwords import Argon2PasswordHasher
from api.identity.tokens import SubjectKind, TokenService
from api.settings import ApiSettings
from domain.identity.identity_service import (
    AuthenticationFailed,
    principal_for_client,
    principal_for_user,
)
from domain.kernel.access import Principal
from domain.privacy.pupil_view import Pseudonymiser
from persistence.database import Database
from persistence.scope import Scope
from persistence.unit_of_work import SqlUnitOfWork

if TYPE_CHECKING:
    from api.worker_loop import WorkerLoop


@dataclass
class PrincipalCache:
    """Resolved callers for a few seconds, so each request does not re-read its scope."""

    ttl: float
    _entries: dict[tuple[str, str], tuple[float, Principal]] = field(default_factory=dict)
    #: off while changes cannot be heard (persistence.account_notices): nothing is trusted then
    listening: bool = True

    def get(self, kind: str, subject: str) -> Principal | None:
        if not self.listening:
            return None
        entry = self._entries.get((kind, subject))
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, kind: str, subject: str, principal: Principal) -> None:
        if self.ttl > 0:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[(kind, subject)] = (time.monotonic() + self.ttl, principal)

    def clear(self) -> None:
        self._entries.clear()

    def deaf(self) -> None:
        """Changes cannot be heard: forget everything and cache nothing until `hearing`."""
        self.listening = False
        self._entries.clear()

    def hearing(self) -> None:
        self.listening = True

    def forget_account(self, kind: str, subject: str) -> None:
        """Drop every cached entry of an account (whatever token generation it was for), so
        its next request is resolved afresh: after it was deactivated or changed."""
        self._entries = {
            k: v
            for k, v in self._entries.items()
            if not (k[0] == kind and k[1].split("#", 1)[0] == subject)
        }

    def forget(self, principal: Principal) -> None:
        """Drop one caller's cached scope after they changed it (e.g. added a school)."""
        self._entries = {
            k: v for k, v in self._entries.items() if v[1].subject != principal.subject
        }


@dataclass
class Runtime:
    settings: ApiSettings
    database: Database
    tokens: TokenService
    hasher: Argon2PasswordHasher
    pseudonymiser: Pseudonymiser
    principals: PrincipalCache
    #: where GraphQL operations run (api/worker_loop.py); None: on the service's own loop
    worker: "WorkerLoop | None" = None

    def system_uow(self) -> SqlUnitOfWork:
        """Unrestricted: for sign-in and scope resolution, before a caller's scope exists."""
        return self.database.unit_of_work(Scope.unrestricted())

    def uow_for(self, principal: Principal) -> SqlUnitOfWork:
        """Narrowed to the caller's scope, and writing as the caller in the audit log."""
        return self.database.unit_of_work(Scope.of(principal))

    def analytics_uow_for(self, principal: Principal) -> SqlUnitOfWork:
        """The same scope, read-only, on the read replica when READ_DATABASE_URL is set: for
        aggregate analytics, reports and exports, which may lag the primary by replication."""
        return self.database.analytics_unit_of_work(Scope.of(principal))

    async def resolve(
        self, kind: SubjectKind, subject: str, generation: int | None = None
    ) -> Principal:
        """The caller a token names, if it may still act: a user's token must carry the user's
        current token generation (the cache is keyed by it, so an ended token is never served
        from it)."""
        key = f"{subject}#{generation}" if generation is not None else subject
        cached = self.principals.get(kind, key)
        if cached is not None:
            return cached
        if kind == "user":
            try:
                user_id = uuid.UUID(subject)
            except ValueError as error:
                raise AuthenticationFailed from error
            principal = await principal_for_user(self.system_uow(), user_id, generation or 1)
        else:
            principal = await principal_for_client(self.system_uow(), subject)
        self.principals.put(kind, key, principal)
        return principal
