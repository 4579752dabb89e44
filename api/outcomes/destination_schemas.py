"""Destinations over HTTP."""

import uuid
from datetime import date

from pydantic import BaseModel, Field, field_validator

from api.schemas import InputModel, ReadModel, ShownKind, reject_null
from domain.outcomes.destination import DestinationCategory, is_eet
from domain.outcomes.destination_summary_service import CategoryShare, DestinationsSummary

#: What GraphQL names this module's types after (api.graphql.shapes).
GRAPHQL_TOPIC = "destinations"


class DestinationIn(InputModel):
    pupil_id: uuid.UUID
    left_on: date
    category: DestinationCategory = Field(
        examples=[DestinationCategory.INDEPENDENT_SPECIALIST_COLLEGE]
    )
    year_group_at_leaving: str | None = Field(
        default=None, max_length=2, description="default: the pupil's year group"
    )
    provider: str = Field(default="", max_length=200)
    sustained: bool | None = None


class DestinationPatch(InputModel):
    left_on: date | None = None
    category: DestinationCategory | None = None
    year_group_at_leaving: str | None = Field(default=None, max_length=2)
    provider: str | None = Field(default=None, max_length=200)
    sustained: bool | None = None

    @field_validator("left_on", "category", "year_group_at_leaving", "provider")
    @classmethod
    def _not_null(cls, value: object) -> object:
        return reject_null(value)


class DestinationOut(ReadModel):
    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    left_on: date
    year_group_at_leaving: str
    category: DestinationCategory
    provider: str
    sustained: bool | None
    eet: bool | None = Field(description="education, employment or training; null when unknown")
    version: int


class CategoryShareOut(BaseModel):
    category: DestinationCategory
    count: int
    percentage: float = Field(description="of all leavers")
    eet: bool | None
    sustained: int
    not_sustained: int
    not_checked: int

    @classmethod
    def of(cls, s: CategoryShare) -> "CategoryShareOut":
        c = s.count
        return cls(
            category=c.category,
            count=c.leavers,
            percentage=s.percentage,
            eet=is_eet(c.category),
            sustained=c.sustained,
            not_sustained=c.not_sustained,
            not_checked=c.not_checked,
        )


class EetOut(BaseModel):
    count: int = Field(description="leavers to education, employment or training")
    rate: float | None = Field(description="count / denominator, %")
    denominator: int = Field(description="all leavers, unknown destinations included")
    not_eet: int
    unknown: int


class SustainedOut(BaseModel):
    sustained: int
    not_sustained: int
    not_checked: int


class DestinationsSummaryOut(BaseModel):
    school_ids: list[uuid.UUID]
    leavers: int = Field(description="each leaver once, at their latest leaving in the period")
    categories: list[CategoryShareOut] = Field(description="most leavers first")
    eet: EetOut
    sustained: SustainedOut

    @classmethod
    def of(cls, s: DestinationsSummary) -> "DestinationsSummaryOut":
        return cls(
            school_ids=s.school_ids,
            leavers=s.leavers,
            categories=[CategoryShareOut.of(c) for c in s.categories],
            eet=EetOut(
                count=s.eet,
                rate=s.eet_rate,
                denominator=s.leavers,
                not_eet=s.not_eet,
                unknown=s.unknown,
            ),
            sustained=SustainedOut(
                sustained=s.sustained, not_sustained=s.not_sustained, not_checked=s.not_checked
            ),
        )


#: destinations in the change feed: as GET shows one (api.integration.records)
DESTINATIONS_SHOWN = ShownKind("destinations", DestinationOut)
