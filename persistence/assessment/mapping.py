"""Frameworks, modules and judgements as rows (persistence.mapping does the copying).

A judgement's moderation is one object in the domain and four columns in the table, the
same in the judgement and in each of its revisions."""

from collections.abc import Iterable
from typing import Any

from domain.assessment.framework import Framework, Step, Strand
from domain.assessment.judgement import Judgement, JudgementRevision
from domain.kernel.calendar import Module
from persistence.assessment.tables import (
    FrameworkRow,
    JudgementRevisionRow,
    JudgementRow,
    ModuleRow,
    StepRow,
    StrandRow,
)
from persistence.mapping import RowMapping, columns_of


def _moderation(row: Any) -> dict[str, Any]:
    """The fields of a `Moderation`, for pydantic to build it (the state as its enum)."""
    return {
        "state": row.moderation_state,
        "step_id": row.moderated_step_id,
        "moderator": row.moderator,
        "moderated_on": row.moderated_on,
    }


_MODERATION_COLUMNS = {
    "moderation_state": lambda j: j.moderation.state,
    "moderated_step_id": lambda j: j.moderation.step_id,
    "moderator": lambda j: j.moderation.moderator,
    "moderated_on": lambda j: j.moderation.moderated_on,
}

FRAMEWORKS = RowMapping(Framework, columns_of(FrameworkRow))
STRANDS = RowMapping(Strand, columns_of(StrandRow))
STEPS = RowMapping(Step, columns_of(StepRow))
MODULES = RowMapping(Module, columns_of(ModuleRow))
JUDGEMENTS = RowMapping(
    Judgement,
    columns_of(JudgementRow),
    read={"moderation": _moderation},
    write=_MODERATION_COLUMNS,
)
JUDGEMENT_REVISIONS = RowMapping(
    JudgementRevision,
    columns_of(JudgementRevisionRow),
    read={"moderation": _moderation},
    write=_MODERATION_COLUMNS,
)


def framework_from_rows(
    row: FrameworkRow, strands: Iterable[StrandRow], steps: Iterable[StepRow]
) -> Framework:
    return FRAMEWORKS.entity(
        row,
        strands=[STRANDS.entity(s) for s in strands],
        steps=[STEPS.entity(s) for s in steps],
    )
