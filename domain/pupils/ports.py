"""What the pupils feature needs from storage, and the filters its lists take.

Repositories speak in entities and are already narrowed to the caller's scope by the
unit of work that owns them: a row outside it is simply not there. Every filter is
narrowed to the caller's scope too."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from domain.kernel.calendar import AcademicYear
from domain.kernel.paging import Page, PageRequest
from domain.pupils.group import GroupKind, Membership, TeachingGroup
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


@dataclass(frozen=True, slots=True)
class GroupFilter:
    school_id: uuid.UUID | None = None
    academic_year: AcademicYear | None = None
    kind: GroupKind | None = None
    #: groups this staff account teaches
    staff_id: uuid.UUID | None = None
    #: groups this pupil is in on `on` (any day of the group's year without it)
    pupil_id: uuid.UUID | None = None
    on: date | None = None


@dataclass(frozen=True, slots=True)
class MembershipFilter:
    school_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    pupil_id: uuid.UUID | None = None
    #: memberships covering this day
    on: date | None = None


class GroupRepository(Protocol):
    """Teaching groups and their pupils' memberships."""

    async def get(self, group_id: uuid.UUID) -> TeachingGroup | None: ...
    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[TeachingGroup]: ...
    async def named(
        self, school_id: uuid.UUID, academic_year: AcademicYear, name: str
    ) -> TeachingGroup | None: ...
    async def add(self, group: TeachingGroup) -> None: ...
    async def update(self, group: TeachingGroup, previous_version: int) -> None: ...
    async def delete(self, group: TeachingGroup) -> None: ...
    async def matching(self, filter: GroupFilter, page: PageRequest) -> Page[TeachingGroup]: ...
    async def membership(self, membership_id: uuid.UUID) -> Membership | None: ...
    async def memberships(
        self, filter: MembershipFilter, page: PageRequest
    ) -> Page[Membership]: ...
    async def add_membership(self, membership: Membership) -> None: ...
    async def update_membership(self, membership: Membership, previous_version: int) -> None: ...
    async def delete_membership(self, membership: Membership) -> None: ...


class HasPupils(Protocol):
    @property
    def pupils(self) -> PupilRepository: ...


class HasGroups(Protocol):
    @property
    def groups(self) -> GroupRepository: ...


class PupilsRepositories(HasPupils, HasGroups, Protocol):
    """What the unit of work offers of the pupils feature (domain.unit_of_work). A use case
    asks only for what it uses (`Has...`), so an in-memory unit of work for its tests need
    offer no more."""
