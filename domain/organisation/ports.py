"""What the organisation feature needs from storage, and the filters its lists take.

Repositories speak in entities and are already narrowed to the caller's scope by the
unit of work that owns them: a row outside it is simply not there. Every filter is
narrowed to the caller's scope too."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from domain.kernel.paging import Page, PageRequest
from domain.organisation.organisation import School, Trust


@dataclass(frozen=True, slots=True)
class SchoolFilter:
    trust_id: uuid.UUID | None = None


class TrustRepository(Protocol):
    async def get(self, trust_id: uuid.UUID) -> Trust | None: ...
    async def add(self, trust: Trust) -> None: ...
    async def update(self, trust: Trust, previous_version: int) -> None: ...
    async def matching(self, page: PageRequest) -> Page[Trust]: ...


class SchoolRepository(Protocol):
    async def get(self, school_id: uuid.UUID) -> School | None: ...
    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[School]: ...
    async def add(self, school: School) -> None: ...
    async def update(self, school: School, previous_version: int) -> None: ...
    async def matching(self, filter: SchoolFilter, page: PageRequest) -> Page[School]: ...
    async def ids_of_trust(self, trust_id: uuid.UUID) -> frozenset[uuid.UUID]: ...


class HasTrusts(Protocol):
    @property
    def trusts(self) -> TrustRepository: ...


class HasSchools(Protocol):
    @property
    def schools(self) -> SchoolRepository: ...


class OrganisationRepositories(HasTrusts, HasSchools, Protocol):
    """What the unit of work offers of the organisation feature (domain.unit_of_work). A use case
    asks only for what it uses (`Has...`), so an in-memory unit of work for its tests need
    offer no more."""
