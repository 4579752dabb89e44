"""Destinations over HTTP."""

import uuid
from datetime import date

from pydantic import BaseModel, Field, field_validator

from api.schemas.common import InputModel, reject_null
from domain.destination import Destination, DestinationCategory


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


class DestinationOut(BaseModel):
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

    @classmethod
    def of(cls, d: Destination) -> "DestinationOut":
        return cls(
            id=d.id,
            school_id=d.school_id,
            pupil_id=d.pupil_id,
            left_on=d.left_on,
            year_group_at_leaving=d.year_group_at_leaving,
            category=d.category,
            provider=d.provider,
            sustained=d.sustained,
            eet=d.eet,
            version=d.version,
        )
