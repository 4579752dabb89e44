"""Frameworks and modules over HTTP."""

import uuid
from datetime import date

from pydantic import Field, field_validator

from api.schemas import InputModel, ReadModel, YearLabel, reject_null
from domain.assessment.framework import MAX_STEPS, MAX_STRANDS


class StrandIn(InputModel):
    code: str = Field(min_length=1, max_length=32, examples=["READ"])
    name: str = Field(min_length=1, max_length=100, examples=["Reading"])


class StepIn(InputModel):
    code: str = Field(min_length=1, max_length=32, examples=["K1.1"])
    label: str = Field(default="", max_length=100, examples=["Pre-intentional 1"])
    value: float = Field(allow_inf_nan=False, ge=-1_000_000, le=1_000_000, examples=[1.0])


class FrameworkIn(InputModel):
    name: str = Field(min_length=1, max_length=200, examples=["Brook PMLD pathway"])
    description: str = Field(default="", max_length=2000)
    trust_id: uuid.UUID | None = Field(
        default=None, description="owner: a trust (shared by its schools) ..."
    )
    school_id: uuid.UUID | None = Field(default=None, description="... or one school")
    strands: list[StrandIn] = Field(min_length=1, max_length=MAX_STRANDS)
    steps: list[StepIn] = Field(min_length=2, max_length=MAX_STEPS)


class FrameworkPatch(InputModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    add_strands: list[StrandIn] = Field(default_factory=list, max_length=MAX_STRANDS)
    add_steps: list[StepIn] = Field(default_factory=list, max_length=MAX_STEPS)

    @field_validator("name", "description")
    @classmethod
    def _not_null(cls, value: object) -> object:
        return reject_null(value)


class StrandOut(ReadModel):
    id: uuid.UUID
    code: str
    name: str
    position: int


class StepOut(ReadModel):
    id: uuid.UUID
    code: str
    label: str
    value: float


class FrameworkOut(ReadModel):
    id: uuid.UUID
    name: str
    description: str
    trust_id: uuid.UUID | None
    school_id: uuid.UUID | None
    strands: list[StrandOut]
    steps: list[StepOut] = Field(description="the scale, lowest value first")
    version: int


class ModuleIn(InputModel):
    school_id: uuid.UUID
    academic_year: str = Field(pattern=r"^\d{4}/\d{2}$", examples=["2023/24"])
    sequence: int = Field(ge=1, le=20, examples=[1])
    name: str = Field(min_length=1, max_length=100, examples=["Module 1"])
    starts_on: date = Field(examples=["2023-09-04"])
    ends_on: date = Field(examples=["2023-10-20"])


class ModulePatch(InputModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    starts_on: date | None = None
    ends_on: date | None = None

    @field_validator("name", "starts_on", "ends_on")
    @classmethod
    def _not_null(cls, value: object) -> object:
        return reject_null(value)


class ModuleOut(ReadModel):
    id: uuid.UUID
    school_id: uuid.UUID
    academic_year: YearLabel
    sequence: int
    name: str
    starts_on: date
    ends_on: date
    version: int
