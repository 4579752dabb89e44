"""Qualification entries and pass rates over HTTP."""

import datetime as dt
import uuid

from pydantic import BaseModel, Field, field_validator

from api.schemas import InputModel, reject_null
from domain.outcomes.qualification import (
    EntryStatus,
    QualificationEntry,
    QualificationKind,
    QualificationLevel,
)
from domain.outcomes.qualification_service import PassRate, PassRateReport

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


class QualificationOut(BaseModel):
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

    @classmethod
    def of(cls, q: QualificationEntry) -> "QualificationOut":
        return cls(
            id=q.id,
            school_id=q.school_id,
            pupil_id=q.pupil_id,
            awarding_body=q.awarding_body,
            title=q.title,
            subject=q.subject,
            level=q.level,
            kind=q.kind,
            status=q.status,
            result=q.result,
            awarded_on=q.awarded_on,
            passed=q.passed,
            version=q.version,
        )


class PassRateOut(BaseModel):
    value: str | None = Field(description="the group's value (level, subject...); null overall")
    completed: int | None
    passed: int | None
    pupils: int | None = Field(description="pupils who completed these entries")
    pass_rate: float | None = Field(description="passed / completed, %")
    suppressed: bool

    @classmethod
    def of(cls, r: PassRate) -> "PassRateOut":
        return cls(
            value=r.value,
            completed=r.completed,
            passed=r.passed,
            pupils=r.pupils,
            pass_rate=r.pass_rate,
            suppressed=r.suppressed,
        )


class PassRatesOut(BaseModel):
    school_ids: list[uuid.UUID]
    academic_year: str | None
    group_by: str | None
    overall: PassRateOut
    groups: list[PassRateOut]

    @classmethod
    def of(cls, r: PassRateReport) -> "PassRatesOut":
        return cls(
            school_ids=r.school_ids,
            academic_year=r.academic_year,
            group_by=r.group_by,
            overall=PassRateOut.of(r.overall),
            groups=[PassRateOut.of(g) for g in r.groups],
        )
