"""The pupils feature's kinds of pupil-level record (pupils): their export
columns, and what else they take part in (domain.integration.records)."""

import uuid
from datetime import date
from typing import NamedTuple

from domain.integration.audit import AuditedTable
from domain.integration.records import RecordKind
from domain.privacy.pupil_view import view_of
from domain.pupils.pupil_import import PUPILS


class PupilRecord(NamedTuple):
    """A pupil on roll, with the latest enrolment and the characteristics in force at the
    end of the export's window (today, if it has none)."""

    upn: str | None
    mis_id: str | None
    forename: str
    surname: str
    date_of_birth: date
    gender: str
    year_group: str
    pathway: str | None
    joined_on: date | None
    left_on: date | None
    registration: str | None
    sen_provision: str | None
    primary_need: str | None
    secondary_need: str | None
    pupil_premium: bool
    fsm: bool
    eal: bool
    looked_after: bool
    stepwise_pupil_id: uuid.UUID
    school_id: uuid.UUID
    school_urn: str


#: pupils: exported, followed by the change feed, importable (domain.integration.records)
PUPILS_KIND = RecordKind(
    name="pupils",
    rank=10,
    export=PupilRecord,
    imports=PUPILS,
    followed=True,
    seen_by=lambda pupil, actor, pseudonymiser: view_of(pupil, actor, pseudonymiser),
)


#: audited by the database (migration 0008)
PUPILS_AUDITED = AuditedTable("pupils")
CHARACTERISTICS_AUDITED = AuditedTable("pupil_characteristics")
ENROLMENTS_AUDITED = AuditedTable("enrolments")
