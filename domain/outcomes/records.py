"""The outcomes feature's kinds of pupil-level record (attendance marks, qualification
entries and destinations): their export columns, and what else they take part in
(domain.integration.records)."""

import uuid
from datetime import date
from typing import NamedTuple

from domain.integration.audit import AuditedTable
from domain.integration.records import RecordKind
from domain.outcomes.attendance_import import ATTENDANCE
from domain.outcomes.destination_import import DESTINATIONS
from domain.outcomes.destination_service import as_seen_by
from domain.outcomes.qualification_import import QUALIFICATIONS


class AttendanceRecord(NamedTuple):
    upn: str | None
    mis_id: str | None
    date: date
    session: str
    code: str
    mark_id: uuid.UUID
    stepwise_pupil_id: uuid.UUID
    school_id: uuid.UUID


#: attendance: exported, followed by the change feed, importable (domain.integration.records)
ATTENDANCE_KIND = RecordKind(
    name="attendance",
    rank=40,
    export=AttendanceRecord,
    imports=ATTENDANCE,
    followed=True,
)


class QualificationRecord(NamedTuple):
    upn: str | None
    mis_id: str | None
    awarding_body: str
    title: str
    subject: str
    level: str
    kind: str
    status: str
    result: str | None
    awarded_on: date | None
    entry_id: uuid.UUID
    stepwise_pupil_id: uuid.UUID
    school_id: uuid.UUID


#: qualifications: exported, followed by the change feed, importable (domain.integration.records)
QUALIFICATIONS_KIND = RecordKind(
    name="qualifications",
    rank=50,
    export=QualificationRecord,
    imports=QUALIFICATIONS,
    followed=True,
)


class DestinationRecord(NamedTuple):
    upn: str | None
    mis_id: str | None
    left_on: date
    year_group_at_leaving: str
    category: str
    provider: str
    sustained: bool | None
    destination_id: uuid.UUID
    stepwise_pupil_id: uuid.UUID
    school_id: uuid.UUID


#: destinations: exported, followed by the change feed, importable (domain.integration.records)
DESTINATIONS_KIND = RecordKind(
    name="destinations",
    rank=60,
    export=DestinationRecord,
    imports=DESTINATIONS,
    followed=True,
    seen_by=lambda item, actor, pseudonymiser: as_seen_by(item, actor),
)


#: audited by the database (migration 0008)
DESTINATIONS_AUDITED = AuditedTable("destinations")
MARKS_AUDITED = AuditedTable("attendance_marks")
ENTRIES_AUDITED = AuditedTable("qualification_entries")
