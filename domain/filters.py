"""What list queries may filter on. Every filter is narrowed to the caller's scope."""

import uuid
from dataclasses import dataclass
from datetime import date

from domain.calendar import AcademicYear
from domain.destination import DestinationCategory
from domain.judgement import JudgementKind
from domain.pupil import normalise_year_group
from domain.qualification import EntryStatus, QualificationKind, QualificationLevel
from domain.target import OutcomeStatus, TargetStatus


@dataclass(frozen=True, slots=True)
class SchoolFilter:
    trust_id: uuid.UUID | None = None


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


@dataclass(frozen=True, slots=True)
class FrameworkFilter:
    """Frameworks owned by `school_id`, by its trust, or by `trust_id`."""

    school_id: uuid.UUID | None = None
    trust_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class ModuleFilter:
    school_id: uuid.UUID | None = None
    academic_year: AcademicYear | None = None


@dataclass(frozen=True, slots=True)
class JudgementFilter:
    school_id: uuid.UUID | None = None
    pupil_id: uuid.UUID | None = None
    strand_id: uuid.UUID | None = None
    module_id: uuid.UUID | None = None
    kind: JudgementKind | None = None
    year_group: str | None = None
    pathway: str | None = None

    def __post_init__(self) -> None:
        if self.year_group is not None:
            object.__setattr__(self, "year_group", normalise_year_group(self.year_group))


@dataclass(frozen=True, slots=True)
class TargetFilter:
    school_id: uuid.UUID | None = None
    pupil_id: uuid.UUID | None = None
    strand_id: uuid.UUID | None = None
    academic_year: AcademicYear | None = None
    status: TargetStatus | None = None


@dataclass(frozen=True, slots=True)
class OutcomeTargetFilter:
    school_id: uuid.UUID | None = None
    pupil_id: uuid.UUID | None = None
    status: OutcomeStatus | None = None


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
