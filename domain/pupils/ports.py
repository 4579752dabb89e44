"""What the pupils feature needs from storage, and the filters its lists take.

Repositories speak in entities and are already narrowed to the caller's scope by the
unit of work that owns them: a row outside it is simply not there. Every filter is
narrowed to the caller's scope too."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from domain.kernel.paging import Page, PageRequest
from domain.pupils.pupil import Pupil, normalise_year_group


@dataclass(frozen=True, slots=True)
class PupilFilter:
    school_id: uuid.UUID | None = None
    year_group: str | None = None
    pathway: str | None = None
    on_roll_on: date | None = None
    upn: str | None = None
    mis_id: str | None = None
    include_deleted: bool = False

    def __post_init__(self) -> None:
        if self.year_group is not None:
            object.__setattr__(self, "year_group", normalise_year_group(self.year_group))


class PupilRepository(Protocol):
    async def get(self, pupil_id: uuid.UUID, include_deleted: bool = False) -> Pupil | None: ...
    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[Pupil]: ...
    async def add(self, pupil: Pupil) -> None: ...
    async def update(self, pupil: Pupil, previous_version: int) -> None: ...
    async def matching(self, filter: PupilFilter, page: PageRequest) -> Page[Pupil]: ...
    async def for_schools(
        self, school_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Pupil]]: ...


class HasPupils(Protocol):
    @property
    def pupils(self) -> PupilRepository: ...


class PupilsRepositories(HasPupils, Protocol):
    """What the unit of work offers of the pupils feature (domain.unit_of_work). A use case
    asks only for what it uses (`Has...`), so an in-memory unit of work for its tests need
    offer no more."""
