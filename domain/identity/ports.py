"""What the identity feature needs from storage, and the filters its lists take.

Repositories speak in entities and are already narrowed to the caller's scope by the
unit of work that owns them: a row outside it is simply not there. Every filter is
narrowed to the caller's scope too."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from domain.identity.identity import IntegrationClient, User
from domain.identity.sign_in import Rules, ThrottleKey
from domain.kernel.paging import Page, PageRequest


class UserRepository(Protocol):
    async def get(self, user_id: uuid.UUID) -> User | None: ...
    async def by_email(self, email: str) -> User | None: ...
    async def add(self, user: User) -> None: ...
    async def update(self, user: User, previous_version: int) -> None: ...
    async def matching(
        self, school_ids: frozenset[uuid.UUID] | None, trust_id: uuid.UUID | None, page: PageRequest
    ) -> Page[User]: ...


class ClientRepository(Protocol):
    async def by_client_id(self, client_id: str) -> IntegrationClient | None: ...
    async def add(self, client: IntegrationClient) -> None: ...
    async def mark_used(self, client: IntegrationClient) -> None: ...
    async def get(self, client_key: uuid.UUID) -> IntegrationClient | None: ...
    async def matching(
        self, school_ids: frozenset[uuid.UUID] | None, trust_id: uuid.UUID | None, page: PageRequest
    ) -> Page[IntegrationClient]:
        """Clients scoped to `trust_id`, or to schools all within `school_ids` (None: every
        client)."""
        ...

    async def revoke(self, client: IntegrationClient) -> None: ...


class SignInLedger(Protocol):
    """Failed sign-ins per account and per address (domain.sign_in), shared by every server
    process."""

    async def blocked_until(self, keys: Sequence[ThrottleKey], now: datetime) -> datetime | None:
        """The latest time any of `keys` must wait until, if that is still to come."""
        ...

    async def record_failure(
        self, keys: Sequence[ThrottleKey], now: datetime, rules: Rules
    ) -> None: ...
    async def forget(self, key: ThrottleKey) -> None: ...


class PasswordHasher(Protocol):
    """Deliberately slow hashing; async so adapters can run it off the event loop."""

    async def hash(self, password: str) -> str: ...
    async def verify(self, password_hash: str, password: str) -> bool: ...


class HasUsers(Protocol):
    @property
    def users(self) -> UserRepository: ...


class HasClients(Protocol):
    @property
    def clients(self) -> ClientRepository: ...


class HasSignIns(Protocol):
    @property
    def sign_ins(self) -> SignInLedger: ...


class IdentityRepositories(HasUsers, HasClients, HasSignIns, Protocol):
    """What the unit of work offers of the identity feature (domain.unit_of_work). A use case
    asks only for what it uses (`Has...`), so an in-memory unit of work for its tests need
    offer no more."""
