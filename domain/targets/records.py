"""The targets feature's kinds of pupil-level record (targets): their export
columns, and what else they take part in (domain.integration.records)."""

import uuid
from datetime import date
from typing import NamedTuple

from domain.integration.audit import AuditedTable
from domain.integration.records import RecordKind
from domain.targets.target_import import TARGETS
from domain.targets.target_service import as_seen_by


class TargetRecord(NamedTuple):
    upn: str | None
    mis_id: str | None
    framework: str
    strand: str
    academic_year: str
    step: str
    status: str
    set_on: date
    set_by: str
    rationale: str
    step_label: str
    target_id: uuid.UUID
    supersedes_id: uuid.UUID | None
    stepwise_pupil_id: uuid.UUID
    school_id: uuid.UUID


#: targets: exported, followed by the change feed, importable (domain.integration.records)
TARGETS_KIND = RecordKind(
    name="targets",
    rank=30,
    export=TargetRecord,
    imports=TARGETS,
    followed=True,
    seen_by=lambda item, actor, pseudonymiser: as_seen_by(item, actor),
)


#: audited by the database (migration 0008)
TARGETS_AUDITED = AuditedTable("targets")
OUTCOME_TARGETS_AUDITED = AuditedTable("outcome_targets")
EVALUATIONS_AUDITED = AuditedTable("outcome_evaluations")
