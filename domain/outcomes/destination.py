"""Where leavers go next, and whether that counts as education, employment or training."""

import enum
import uuid
from dataclasses import dataclass
from datetime import date

from domain.kernel.errors import Problem
from domain.pupils.pupil import YEAR_GROUPS, normalise_year_group


class DestinationCategory(enum.StrEnum):
    SIXTH_FORM = "sixth_form"
    FE_COLLEGE = "fe_college"
    INDEPENDENT_SPECIALIST_COLLEGE = "independent_specialist_college"
    APPRENTICESHIP = "apprenticeship"
    EMPLOYMENT = "employment"
    TRAINING = "training"
    SUPPORTED_INTERNSHIP = "supported_internship"
    SOCIAL_CARE_PROVISION = "social_care_provision"
    NEET = "neet"
    UNKNOWN = "unknown"


EET_CATEGORIES = frozenset(
    {
        DestinationCategory.SIXTH_FORM,
        DestinationCategory.FE_COLLEGE,
        DestinationCategory.INDEPENDENT_SPECIALIST_COLLEGE,
        DestinationCategory.APPRENTICESHIP,
        DestinationCategory.EMPLOYMENT,
        DestinationCategory.TRAINING,
        DestinationCategory.SUPPORTED_INTERNSHIP,
    }
)


def is_eet(category: DestinationCategory) -> bool | None:
    """EET (education, employment or training) from the category; None when unknown."""
    if category is DestinationCategory.UNKNOWN:
        return None
    return category in EET_CATEGORIES


@dataclass(slots=True)
class Destination:
    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    left_on: date
    year_group_at_leaving: str
    category: DestinationCategory
    provider: str = ""
    sustained: bool | None = None
    version: int = 1

    def __post_init__(self) -> None:
        self.year_group_at_leaving = normalise_year_group(self.year_group_at_leaving)

    @property
    def eet(self) -> bool | None:
        return is_eet(self.category)

    def problems(self, first_joined_on: date | None) -> list[Problem]:
        found: list[Problem] = []
        if self.year_group_at_leaving not in YEAR_GROUPS:
            found.append(Problem("year_group_at_leaving", "not a year group", "year_group"))
        if first_joined_on is not None and self.left_on < first_joined_on:
            found.append(
                Problem("left_on", "before the pupil first joined the school", "date.order")
            )
        if len(self.provider) > 200:
            found.append(Problem("provider", "at most 200 characters", "too_long"))
        return found


@dataclass(frozen=True, slots=True)
class LeaverQuery:
    """Leavers of `school_ids` whose leaving date is within left_from..left_to (either may be
    open) and, when given, whose year group at leaving is `year_group_at_leaving`."""

    school_ids: tuple[uuid.UUID, ...]
    left_from: date | None = None
    left_to: date | None = None
    year_group_at_leaving: str | None = None


@dataclass(frozen=True, slots=True)
class CategoryCount:
    """How many leavers went to one category, and how many of those were sustained (true),
    not sustained (false) or not yet checked (null)."""

    category: DestinationCategory
    leavers: int
    sustained: int
    not_sustained: int

    @property
    def not_checked(self) -> int:
        return self.leavers - self.sustained - self.not_sustained
