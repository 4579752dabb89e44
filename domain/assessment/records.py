"""The assessment feature's kinds of pupil-level record (judgements): their export
columns, and what else they take part in (domain.integration.records)."""

import uuid
from datetime import date
from typing import NamedTuple

from domain.assessment.judgement_import import JUDGEMENTS
from domain.assessment.judgement_service import as_seen_by
from domain.integration.audit import AuditedTable
from domain.integration.records import RecordKind


class JudgementRecord(NamedTuple):
    """The judged step (as recorded: moderation is in its own columns), as the import reads
    it back."""

    upn: str | None
    mis_id: str | None
    framework: str
    strand: str
    academic_year: str
    module: int
    step: str
    kind: str
    assessed_on: date
    assessor: str
    note: str
    step_label: str
    moderation_state: str
    moderated_step: str | None
    judgement_id: uuid.UUID
    stepwise_pupil_id: uuid.UUID
    school_id: uuid.UUID


#: judgements: exported, followed by the change feed, importable (domain.integration.records)
JUDGEMENTS_KIND = RecordKind(
    name="judgements",
    rank=20,
    export=JudgementRecord,
    imports=JUDGEMENTS,
    followed=True,
    seen_by=lambda item, actor, pseudonymiser: as_seen_by(item, actor),
)


#: audited by the database (migration 0008)
MODULES_AUDITED = AuditedTable("modules")
JUDGEMENTS_AUDITED = AuditedTable("judgements")
