"""A framework's scale in GraphQL: its steps and strands, which the entity types and the
progress types both show (api.graphql.types, api.graphql.analytics)."""

import uuid

import strawberry

from api.graphql.context import Ctx
from api.graphql.from_entity import from_entity
from domain.assessment import framework as fw


@strawberry.type
class Step:
    id: uuid.UUID
    code: str
    label: str
    value: float

    @classmethod
    def of(cls, s: fw.Step) -> "Step":
        return from_entity(cls, s)


@strawberry.type
class Strand:
    id: uuid.UUID
    code: str
    name: str
    position: int

    @classmethod
    def of(cls, s: fw.Strand) -> "Strand":
        return from_entity(cls, s)


async def _step(info: Ctx, step_id: uuid.UUID | None) -> Step | None:
    if step_id is None:
        return None
    found = await info.context.loaders.step.load(step_id)
    return Step.of(found) if found else None
