"""Qualification entries and pass rates over HTTP."""

import datetime as dt
import uuid

from pydantic import Field, field_validator

from api.schemas import InputModel, ReadModel, ShownKind, reject_null
from domain.outcomes.qualification import (
    EntryStatus,
    QualificationKind,
    QualificationLevel,
)

#: What GraphQL names this module's types after (api.graphql.shapes).
GRAPHQL_TOPIC = "qualifications"


class QualificationIn(InputModel):
    pupil_id: uuid.UUID
    awarding_body: str = Field(min_length=1, max_length=200, examples=["Pearson"])
    title: str = Field(min_length=1, max_length=200, examples=["Functional Skills English"])
    subject: str = Field(default="", max_length=100, examples=["English"])
    level: QualificationLevel = Field(examples=[QualificationLevel.ENTRY_3])
    kind: QualificationKind = QualificationKind.OTHER
    status: EntryStatus = EntryStatus.ENTERED
    result: str | None = Field(
        default=None, max_length=50, description="pass, fail, merit, distinction or a grade"
    )
    awarded_on: dt.date | None = None


class QualificationPatch(InputModel):
    awarding_body: str | None = Field(default=None, min_length=1, max_length=200)
    title: str | None = Field(default=None, min_length=1, max_length=200)
    subject: str | None = Field(default=None, max_length=100)
    level: QualificationLevel | None = None
    kind: QualificationKind | None = None
    status: EntryStatus | None = None
    result: str | None = Field(default=None, max_length=50, description="null clears it")
    awarded_on: dt.date | None = Field(default=None, description="null clears it")

    @field_validator("awarding_body", "title", "subject", "level", "kind", "status")
    @classmethod
    def _not_null(cls, value: object) -> object:
        return reject_null(value)


class QualificationOut(ReadModel):
    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    awarding_body: str
    title: str
    subject: str
    level: QualificationLevel
    kind: QualificationKind
    status: EntryStatus
    result: str | None
    awarded_on: dt.date | None
    passed: bool = Field(description="completed with a result that is not a fail")
    version: int


class PassRateOut(ReadModel):
    value: str | None = Field(description="the group's value (level, subject...); null overall")
    completed: int | None
    passed: int | None
    pupils: int | None = Field(description="pupils who completed these entries")
    pass_rate: float | None = Field(description="passed / completed, %")
    suppressed: bool


class PassRatesOut(ReadModel):
    school_ids: list[uuid.UUID]
    academic_year: str | None
    group_by: str | None
    overall: PassRateOut
    groups: list[PassRateOut]


#: qualifications in the change feed: as GET shows one (api.integration.records)
QUALIFICATIONS_SHOWN = ShownKind("qualifications", QualificationOut)
