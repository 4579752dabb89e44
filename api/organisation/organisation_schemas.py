"""Trusts and schools over HTTP."""

import uuid

from pydantic import Field, field_validator

from api.schemas import InputModel, ReadModel, reject_null
from domain.organisation.organisation import SchoolType, TrustKind


class TrustOut(ReadModel):
    id: uuid.UUID
    name: str
    kind: TrustKind
    version: int


class TrustPatch(InputModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: TrustKind | None = None

    @field_validator("name", "kind")
    @classmethod
    def _not_null(cls, value: object) -> object:
        return reject_null(value)


class SchoolIn(InputModel):
    trust_id: uuid.UUID
    urn: str = Field(min_length=6, max_length=6, examples=["118956"])
    name: str = Field(min_length=1, max_length=200, examples=["Milestone Academy"])
    type: SchoolType = Field(examples=[SchoolType.SPECIAL])


class SchoolPatch(InputModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    type: SchoolType | None = None
    sen_retention_years: int | None = Field(
        default=None,
        ge=1,
        le=120,
        description="SEN records are kept to the pupil's date of birth + this many years "
        "before a pupil may be erased without a school decision (default 31, IRMS toolkit)",
    )

    @field_validator("name", "type", "sen_retention_years")
    @classmethod
    def _not_null(cls, value: object) -> object:
        return reject_null(value)


class SchoolOut(ReadModel):
    id: uuid.UUID
    trust_id: uuid.UUID
    urn: str
    name: str
    type: SchoolType
    version: int
    sen_retention_years: int
