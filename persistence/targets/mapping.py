"""Scale targets with their history, and outcome targets with their evaluations, as rows
(persistence.mapping does the copying)."""

from collections.abc import Iterable

from domain.targets.target import OutcomeEvaluation, OutcomeTarget, Target, TargetRevision
from persistence.mapping import RowMapping, columns_of
from persistence.targets.tables import (
    OutcomeEvaluationRow,
    OutcomeTargetRow,
    TargetRevisionRow,
    TargetRow,
)

TARGETS = RowMapping(Target, columns_of(TargetRow))
TARGET_REVISIONS = RowMapping(TargetRevision, columns_of(TargetRevisionRow))
OUTCOME_TARGETS = RowMapping(OutcomeTarget, columns_of(OutcomeTargetRow))
EVALUATIONS = RowMapping(OutcomeEvaluation, columns_of(OutcomeEvaluationRow))


def target_from_rows(row: TargetRow, revisions: Iterable[TargetRevisionRow]) -> Target:
    history = sorted(revisions, key=lambda r: r.changed_at)
    return TARGETS.entity(row, history=[TARGET_REVISIONS.entity(r) for r in history])


def outcome_from_rows(
    row: OutcomeTargetRow, evaluations: Iterable[OutcomeEvaluationRow]
) -> OutcomeTarget:
    ordered = sorted(evaluations, key=lambda e: (e.academic_year, e.evaluated_on))
    return OUTCOME_TARGETS.entity(row, evaluations=[EVALUATIONS.entity(e) for e in ordered])
