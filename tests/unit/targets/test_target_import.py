"""Target rows turned into the domain's own target operations."""

import uuid
from datetime import UTC, date, datetime

from domain.integration.imports import RowError
from domain.kernel.calendar import AcademicYear
from domain.targets.target import Target, TargetStatus
from domain.targets.target_rows import ImportedTarget, TargetWrites, plan_target

SCHOOL, PUPIL, STRAND = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
STEP_A, STEP_B = uuid.uuid4(), uuid.uuid4()
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def _row(step: uuid.UUID, status: TargetStatus | None = None) -> ImportedTarget:
    return ImportedTarget(2, PUPIL, STRAND, AcademicYear(2024), step, status, "", None)


def _target(status: TargetStatus = TargetStatus.ACTIVE) -> Target:
    return Target(uuid.uuid4(), SCHOOL, PUPIL, STRAND, AcademicYear(2024), STEP_A,
                  date(2024, 9, 10), "teacher", status=status)  # fmt: skip


def _plan(row: ImportedTarget, *slot: Target) -> TargetWrites | RowError:
    return plan_target(row, SCHOOL, slot, "mis-sync", NOW, "import arbor.csv", uuid.uuid4)


def test_a_new_step_revises_the_current_target() -> None:
    current = _target()

    writes = _plan(_row(STEP_B), current)

    assert isinstance(writes, TargetWrites)
    assert current.status is TargetStatus.REVISED
    [successor] = writes.added
    assert (successor.step_id, successor.supersedes_id) == (STEP_B, current.id)
    assert writes.updated == [(current, 1)]
    assert [r.reason for r in writes.revisions] == ["import arbor.csv", "import arbor.csv"]


def test_the_same_step_and_no_status_leave_the_target_alone() -> None:
    writes = _plan(_row(STEP_A), _target())

    assert isinstance(writes, TargetWrites)
    assert writes.existed
    assert not writes.changed


def test_a_new_step_after_a_withdrawal_sets_a_new_target() -> None:
    withdrawn = _target(TargetStatus.WITHDRAWN)

    writes = _plan(_row(STEP_B, TargetStatus.MET), withdrawn)

    assert isinstance(writes, TargetWrites)
    assert not writes.existed
    assert [(t.step_id, t.status) for t in writes.added] == [(STEP_B, TargetStatus.MET)]
    assert withdrawn.status is TargetStatus.WITHDRAWN


def test_a_status_the_target_cannot_reach_is_the_rows_error() -> None:
    refused = _plan(_row(STEP_A, TargetStatus.TOO_CHALLENGING), _target(TargetStatus.MET))

    assert isinstance(refused, RowError)
    assert (refused.line, refused.field, refused.code) == (2, "status", "status.transition")
