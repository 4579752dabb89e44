"""The Mutation root: judgements and targets, through the same use cases as REST.

A change to an existing record requires `expectedVersion`, as REST requires If-Match: of ten
teachers correcting one judgement at once without it, two silently overwrote each other.
GraphQL has no `*` (REST keeps `If-Match: *` for scripts that mean "whatever is there now").
"""

import uuid
from datetime import date
from typing import Annotated

import strawberry

from api.graphql.context import Ctx
from api.graphql.errors import (
    ConflictProblem,
    ForbiddenProblem,
    NotFoundProblem,
    StaleVersionProblem,
    ValidationProblem,
    outcome,
)
from api.graphql.types import Judgement, Target
from domain.assessment import judgement as jm
from domain.assessment import judgement_service as judgements
from domain.kernel.calendar import AcademicYear
from domain.targets import target as tm
from domain.targets import target_service as targets

JudgementResult = Annotated[
    Judgement
    | ValidationProblem
    | NotFoundProblem
    | ForbiddenProblem
    | ConflictProblem
    | StaleVersionProblem,
    strawberry.union("JudgementResult"),
]
TargetResult = Annotated[
    Target
    | ValidationProblem
    | NotFoundProblem
    | ForbiddenProblem
    | ConflictProblem
    | StaleVersionProblem,
    strawberry.union("TargetResult"),
]


#: every change to a record names the version it changes, as REST's If-Match does
EXPECTED_VERSION = (
    "the `version` you read: a change made since then is a StaleVersionProblem, never lost"
)


@strawberry.input
class RecordJudgementInput:
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    module_id: uuid.UUID
    step_id: uuid.UUID
    kind: jm.JudgementKind = jm.JudgementKind.CHECKPOINT
    assessed_on: date | None = None
    assessor: str | None = None
    note: str = ""
    evidence: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class CorrectJudgementInput:
    judgement_id: uuid.UUID
    reason: str
    expected_version: int = strawberry.field(description=EXPECTED_VERSION)
    step_id: uuid.UUID | None = None
    kind: jm.JudgementKind | None = None
    assessed_on: date | None = None
    assessor: str | None = None
    note: str | None = None
    evidence: list[str] | None = None


@strawberry.input
class ModerateJudgementInput:
    judgement_id: uuid.UUID
    state: jm.ModerationState
    expected_version: int = strawberry.field(description=EXPECTED_VERSION)
    step_id: uuid.UUID | None = None
    moderator: str | None = None
    moderated_on: date | None = None


@strawberry.input
class SetTargetInput:
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    academic_year: str
    step_id: uuid.UUID
    rationale: str = ""
    set_on: date | None = None


@strawberry.input
class ChangeTargetStatusInput:
    target_id: uuid.UUID
    status: tm.TargetStatus
    expected_version: int = strawberry.field(description=EXPECTED_VERSION)
    reason: str = ""


@strawberry.input
class ReviseTargetInput:
    target_id: uuid.UUID
    step_id: uuid.UUID
    reason: str
    expected_version: int = strawberry.field(description=EXPECTED_VERSION)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def record_judgement(self, info: Ctx, input: RecordJudgementInput) -> JudgementResult:
        cmd = judgements.RecordJudgement(
            pupil_id=input.pupil_id,
            strand_id=input.strand_id,
            module_id=input.module_id,
            step_id=input.step_id,
            kind=input.kind,
            assessed_on=input.assessed_on,
            assessor=input.assessor,
            note=input.note,
            evidence=list(input.evidence),
        )
        ctx = info.context
        return await outcome(
            lambda: judgements.record_judgement(ctx.uow(), ctx.principal, cmd), Judgement.of
        )

    @strawberry.mutation
    async def correct_judgement(self, info: Ctx, input: CorrectJudgementInput) -> JudgementResult:
        cmd = judgements.CorrectJudgement(
            judgement_id=input.judgement_id,
            expected_version=input.expected_version,
            reason=input.reason,
            step_id=input.step_id,
            kind=input.kind,
            assessed_on=input.assessed_on,
            assessor=input.assessor,
            note=input.note,
            evidence=list(input.evidence) if input.evidence is not None else None,
        )
        ctx = info.context
        return await outcome(
            lambda: judgements.correct_judgement(ctx.uow(), ctx.principal, cmd), Judgement.of
        )

    @strawberry.mutation
    async def moderate_judgement(self, info: Ctx, input: ModerateJudgementInput) -> JudgementResult:
        cmd = judgements.ModerateJudgement(
            judgement_id=input.judgement_id,
            expected_version=input.expected_version,
            state=input.state,
            step_id=input.step_id,
            moderator=input.moderator,
            moderated_on=input.moderated_on,
        )
        ctx = info.context
        return await outcome(
            lambda: judgements.moderate_judgement(ctx.uow(), ctx.principal, cmd), Judgement.of
        )

    @strawberry.mutation
    async def set_target(self, info: Ctx, input: SetTargetInput) -> TargetResult:
        ctx = info.context

        async def run() -> tm.Target:
            cmd = targets.SetTarget(
                pupil_id=input.pupil_id,
                strand_id=input.strand_id,
                academic_year=AcademicYear.parse(input.academic_year),
                step_id=input.step_id,
                rationale=input.rationale,
                set_on=input.set_on,
            )
            return await targets.set_target(ctx.uow(), ctx.principal, cmd)

        return await outcome(run, Target.of)

    @strawberry.mutation
    async def change_target_status(self, info: Ctx, input: ChangeTargetStatusInput) -> TargetResult:
        cmd = targets.ChangeTargetStatus(
            input.target_id, input.expected_version, input.status, input.reason
        )
        ctx = info.context
        return await outcome(
            lambda: targets.change_target_status(ctx.uow(), ctx.principal, cmd), Target.of
        )

    @strawberry.mutation(description="supersede a target with a new step; returns the new target")
    async def revise_target(self, info: Ctx, input: ReviseTargetInput) -> TargetResult:
        cmd = targets.ReviseTarget(
            input.target_id, input.expected_version, input.step_id, input.reason
        )
        ctx = info.context
        return await outcome(
            lambda: targets.revise_target(ctx.uow(), ctx.principal, cmd), Target.of
        )
