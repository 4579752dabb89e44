"""Pupils over HTTP."""

import uuid
from datetime import date, datetime

from pydantic import Field, field_validator

from api.schemas import InputModel, ReadModel, ShownKind, reject_null
from domain.pupils.pupil import Characteristic, CharacteristicKind, Enrolment, Gender, Registration


class CharacteristicIn(InputModel):
    kind: CharacteristicKind
    start_on: date
    end_on: date | None = None
    value: str | None = Field(
        default=None, max_length=8, description="E/K/N for sen_provision; need code for sen_need"
    )
    rank: int | None = Field(default=None, ge=1, le=99, description="need rank, 1 = primary")

    def to_domain(self) -> Characteristic:
        value = self.value.upper() if self.value else None
        return Characteristic(self.kind, self.start_on, self.end_on, value, self.rank)


class EnrolmentIn(InputModel):
    joined_on: date
    left_on: date | None = None
    registration: Registration = Registration.SINGLE

    def to_domain(self) -> Enrolment:
        return Enrolment(self.joined_on, self.left_on, self.registration)


class PupilIn(InputModel):
    school_id: uuid.UUID
    forename: str = Field(max_length=100, examples=["Amira"])
    surname: str = Field(max_length=100, examples=["Khan"])
    date_of_birth: date = Field(examples=["2012-03-14"])
    gender: Gender
    year_group: str = Field(max_length=2, examples=["7"], description="N1, N2, R or 1..14")
    upn: str | None = Field(default=None, max_length=20, examples=["Q207000016049"])
    mis_id: str | None = Field(default=None, max_length=64)
    pathway: str | None = Field(default=None, max_length=100, examples=["semi-formal"])
    characteristics: list[CharacteristicIn] = Field(default_factory=list, max_length=200)
    enrolments: list[EnrolmentIn] = Field(min_length=1, max_length=50)


class PupilPatch(InputModel):
    """Send only what changes. characteristics and enrolments, when sent, replace the whole set."""

    forename: str | None = Field(default=None, max_length=100)
    surname: str | None = Field(default=None, max_length=100)
    date_of_birth: date | None = None
    gender: Gender | None = None
    year_group: str | None = Field(default=None, max_length=2)
    upn: str | None = Field(default=None, max_length=20)
    mis_id: str | None = Field(default=None, max_length=64)
    pathway: str | None = Field(default=None, max_length=100)
    characteristics: list[CharacteristicIn] | None = Field(default=None, max_length=200)
    enrolments: list[EnrolmentIn] | None = Field(default=None, max_length=50)

    @field_validator(
        "forename",
        "surname",
        "date_of_birth",
        "gender",
        "year_group",
        "characteristics",
        "enrolments",
    )
    @classmethod
    def _not_null(cls, value: object) -> object:
        return reject_null(value)


class CharacteristicOut(ReadModel):
    kind: CharacteristicKind
    start_on: date
    end_on: date | None
    value: str | None
    rank: int | None


class EnrolmentOut(ReadModel):
    joined_on: date
    left_on: date | None
    registration: Registration


class PupilOut(ReadModel):
    id: uuid.UUID
    school_id: uuid.UUID
    forename: str | None = Field(description="null for pseudonymised callers")
    surname: str | None
    date_of_birth: date | None
    upn: str | None
    mis_id: str | None
    pseudonym: str | None = Field(
        description="stable token shown instead of identity to trust analysts"
    )
    gender: Gender
    year_group: str
    pathway: str | None
    characteristics: list[CharacteristicOut]
    enrolments: list[EnrolmentOut]
    version: int
    deleted_at: datetime | None


#: pupils in the change feed: as GET shows one (api.integration.records)
PUPILS_SHOWN = ShownKind("pupils", PupilOut)
