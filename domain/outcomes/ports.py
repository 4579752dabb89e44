"""What the outcomes feature needs from storage, and the filters its lists take.

Repositories speak in entities and are already narrowed to the caller's scope by the
unit of work that owns them: a row outside it is simply not there. Every filter is
narrowed to the caller's scope too."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from domain.kernel.paging import Page, PageRequest
from domain.outcomes.attendance import (
    AttendanceMark,
    AttendanceQuery,
    GroupAttendance,
    MarksWritten,
    PupilAttendance,
)
from domain.outcomes.destination import CategoryCount, Destination, DestinationCategory, LeaverQuery
from domain.outcomes.measure import MeasureCounts, MeasureDefinition, MeasureQuery
from domain.outcomes.qualification import (
    EntryStatus,
    PassCounts,
    PassRateQuery,
    QualificationEntry,
    QualificationKind,
    QualificationLevel,
)
from domain.pupils.pupil import normalise_year_group


@dataclass(frozen=True, slots=True)
class DestinationFilter:
    school_id: uuid.UUID | None = None
    pupil_id: uuid.UUID | None = None
    category: DestinationCategory | None = None
    left_from: date | None = None
    left_to: date | None = None
    year_group_at_leaving: str | None = None

    def __post_init__(self) -> None:
        if self.year_group_at_leaving is not None:
            value = normalise_year_group(self.year_group_at_leaving)
            object.__setattr__(self, "year_group_at_leaving", value)


@dataclass(frozen=True, slots=True)
class AttendanceFilter:
    school_id: uuid.UUID | None = None
    pupil_id: uuid.UUID | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True, slots=True)
class QualificationFilter:
    school_id: uuid.UUID | None = None
    pupil_id: uuid.UUID | None = None
    status: EntryStatus | None = None
    level: QualificationLevel | None = None
    kind: QualificationKind | None = None


@dataclass(frozen=True, slots=True)
class MeasureFilter:
    """Measures owned by `school_id` or by its trust, or by `trust_id`."""

    school_id: uuid.UUID | None = None
    trust_id: uuid.UUID | None = None


class DestinationRepository(Protocol):
    async def get(self, destination_id: uuid.UUID) -> Destination | None: ...
    async def add(self, destination: Destination) -> None: ...
    async def update(self, destination: Destination, previous_version: int) -> None: ...
    async def delete(self, destination: Destination) -> None: ...
    async def matching(self, filter: DestinationFilter, page: PageRequest) -> Page[Destination]: ...


class AttendanceRepository(Protocol):
    async def upsert(self, marks: Sequence[AttendanceMark]) -> MarksWritten:
        """Insert each mark, or change the code of the pupil's mark for that date and session."""
        ...

    async def matching(
        self, filter: AttendanceFilter, page: PageRequest
    ) -> Page[AttendanceMark]: ...


class QualificationRepository(Protocol):
    async def get(self, entry_id: uuid.UUID) -> QualificationEntry | None: ...
    async def add(self, entry: QualificationEntry) -> None: ...
    async def update(self, entry: QualificationEntry, previous_version: int) -> None: ...
    async def delete(self, entry: QualificationEntry) -> None: ...
    async def matching(
        self, filter: QualificationFilter, page: PageRequest
    ) -> Page[QualificationEntry]: ...


class MeasureRepository(Protocol):
    async def get(self, measure_id: uuid.UUID) -> MeasureDefinition | None: ...
    async def add(self, measure: MeasureDefinition) -> None: ...
    async def matching(
        self, filter: MeasureFilter, page: PageRequest
    ) -> Page[MeasureDefinition]: ...


class SummaryQueries(Protocol):
    """Attendance, qualifications, measures and destinations counted where the data is."""

    async def attendance_of_pupils(self, query: AttendanceQuery) -> list[PupilAttendance]: ...
    async def attendance_of_groups(self, query: AttendanceQuery) -> list[GroupAttendance]: ...
    async def pass_rates(self, query: PassRateQuery) -> list[PassCounts]: ...
    async def measure(self, query: MeasureQuery) -> list[MeasureCounts]: ...
    async def destinations(self, query: LeaverQuery) -> list[CategoryCount]: ...


class HasDestinations(Protocol):
    @property
    def destinations(self) -> DestinationRepository: ...


class HasAttendance(Protocol):
    @property
    def attendance(self) -> AttendanceRepository: ...


class HasQualifications(Protocol):
    @property
    def qualifications(self) -> QualificationRepository: ...


class HasMeasures(Protocol):
    @property
    def measures(self) -> MeasureRepository: ...


class HasSummaries(Protocol):
    @property
    def summaries(self) -> SummaryQueries: ...


class OutcomesRepositories(
    HasDestinations, HasAttendance, HasQualifications, HasMeasures, HasSummaries, Protocol
):
    """What the unit of work offers of the outcomes feature (domain.unit_of_work). A use case
    asks only for what it uses (`Has...`), so an in-memory unit of work for its tests need
    offer no more."""
