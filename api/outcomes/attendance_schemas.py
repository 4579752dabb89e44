"""Attendance over HTTP: register batches in, summaries out (pupils by id only)."""

import datetime as dt
import uuid

from pydantic import BaseModel, Field

from api.schemas import InputModel, ReadModel, ShownKind
from domain.outcomes.attendance import AttendanceCategory, Session
from domain.outcomes.attendance_service import (
    MAX_BATCH,
    AttendanceReport,
    GroupResult,
    MarkIn,
    PupilResult,
)

#: What GraphQL names this module's types after (api.graphql.shapes).
GRAPHQL_TOPIC = "attendance"


class MarkIo(InputModel):
    pupil_id: uuid.UUID
    date: dt.date
    session: Session
    code: str = Field(min_length=1, max_length=2, examples=["/"], description="a DfE register code")

    def to_domain(self) -> MarkIn:
        return MarkIn(self.pupil_id, self.date, self.session, self.code)


class MarksIn(InputModel):
    marks: list[MarkIo] = Field(min_length=1, max_length=MAX_BATCH)


class MarksWrittenOut(ReadModel):
    received: int
    created: int = Field(description="marks that were not there before")
    updated: int = Field(description="marks whose code changed")
    unchanged: int = Field(description="marks already stored as sent")


class MarkOut(ReadModel):
    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    date: dt.date
    session: Session
    code: str
    category: AttendanceCategory


class PupilAttendanceOut(BaseModel):
    pupil_id: uuid.UUID
    school_id: uuid.UUID
    possible: int = Field(description="sessions counted: attended + absent")
    present: int
    approved_educational_activity: int
    authorised: int
    unauthorised: int
    not_counted: int
    attendance: float | None = Field(description="attended / possible, %")
    absence: float | None = Field(description="absent / possible, %")
    persistent_absence: bool = Field(description="absent for 10% or more of possible sessions")
    severe_absence: bool = Field(description="absent for 50% or more of possible sessions")

    @classmethod
    def of(cls, r: PupilResult) -> "PupilAttendanceOut":
        p, c = r.attendance, r.attendance.counts
        return cls(
            pupil_id=p.pupil_id,
            school_id=p.school_id,
            possible=c.possible,
            present=c.present,
            approved_educational_activity=c.approved_educational_activity,
            authorised=c.authorised,
            unauthorised=c.unauthorised,
            not_counted=c.not_counted,
            attendance=r.percentage,
            absence=r.absence,
            persistent_absence=p.persistent,
            severe_absence=p.severe,
        )


class GroupAttendanceOut(BaseModel):
    dimension: str = Field(description='"" for everyone, else the group, e.g. "pupil_premium"')
    value: str | None
    pupils: int | None = Field(description="pupils with a possible session")
    possible: int | None
    present: int | None
    approved_educational_activity: int | None
    authorised: int | None
    unauthorised: int | None
    attendance: float | None = Field(description="attended / possible over the group, %")
    absence: float | None
    persistent_absence: int | None
    persistent_absence_rate: float | None = Field(description="% of the group's pupils")
    severe_absence: int | None
    severe_absence_rate: float | None
    difference: float | None = Field(description="attendance minus the comparator, in points")
    suppressed: bool = Field(description="a small group: figures withheld")

    @classmethod
    def of(cls, g: GroupResult) -> "GroupAttendanceOut":
        group, rates = g.group, g.rates
        counts = group.counts if group else None
        return cls(
            dimension=g.dimension,
            value=g.value,
            pupils=group.pupils if group else None,
            possible=counts.possible if counts else None,
            present=counts.present if counts else None,
            approved_educational_activity=counts.approved_educational_activity if counts else None,
            authorised=counts.authorised if counts else None,
            unauthorised=counts.unauthorised if counts else None,
            attendance=rates.attendance if rates else None,
            absence=rates.absence if rates else None,
            persistent_absence=group.persistent if group else None,
            persistent_absence_rate=rates.persistent if rates else None,
            severe_absence=group.severe if group else None,
            severe_absence_rate=rates.severe if rates else None,
            difference=g.difference,
            suppressed=g.suppressed,
        )


class AttendanceSummaryOut(BaseModel):
    school_ids: list[uuid.UUID]
    date_from: dt.date = Field(serialization_alias="from")
    date_to: dt.date = Field(serialization_alias="to")
    comparator: float | None = Field(description="the figure attendance is compared with, %")
    cohort: GroupAttendanceOut
    groups: list[GroupAttendanceOut]
    pupils: list[PupilAttendanceOut] | None = Field(
        description="one row per pupil with marks, by id only; null when not asked for"
    )

    @classmethod
    def of(cls, r: AttendanceReport) -> "AttendanceSummaryOut":
        return cls(
            school_ids=r.school_ids,
            date_from=r.date_from,
            date_to=r.date_to,
            comparator=r.comparator,
            cohort=GroupAttendanceOut.of(r.cohort),
            groups=[GroupAttendanceOut.of(g) for g in r.groups],
            pupils=[PupilAttendanceOut.of(p) for p in r.pupils] if r.pupils is not None else None,
        )


#: attendance in the change feed: as GET shows one (api.integration.records)
ATTENDANCE_SHOWN = ShownKind("attendance", MarkOut)
