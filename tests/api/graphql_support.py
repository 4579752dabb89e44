"""Helpers for the GraphQL tests: post operations, add judgements and targets, count SQL."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event

from api.runtime import Runtime
from domain.assessment import judgement_service as judgements
from domain.assessment.judgement import Judgement
from domain.kernel.access import Principal
from domain.kernel.calendar import AcademicYear
from domain.targets import target_service as targets
from domain.targets.target import Target
from tests.factories import World

YEAR = AcademicYear(2023)


def step_id(world: World, code: str) -> uuid.UUID:
    """The id of step `code` (S1..S8) on the world's "Small steps" scale."""
    return uuid.UUID(world.step(code))


async def post(
    client: httpx.AsyncClient,
    world: World,
    who: str,
    query: str,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """POST one operation as `who`; the whole JSON body (data and errors)."""
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=world.headers(who)
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def data(
    client: httpx.AsyncClient,
    world: World,
    who: str,
    query: str,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """POST one operation that must succeed; its `data`."""
    body = await post(client, world, who, query, variables)
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]
    return result


async def judgement(
    world: World,
    pupil_index: int = 0,
    step: str = "S2",
    module_index: int = 0,
    strand_index: int = 0,
) -> Judgement:
    """A judgement recorded through the use case, as the system operator."""
    return await judgements.record_judgement(
        world.runtime.system_uow(),
        Principal.system(),
        judgements.RecordJudgement(
            pupil_id=world.pupils[pupil_index].id,
            strand_id=world.framework.strands[strand_index].id,
            module_id=world.modules[module_index].id,
            step_id=step_id(world, step),
            assessor="Ms Patel",
        ),
    )


async def target(
    world: World, pupil_index: int = 0, step: str = "S4", strand_index: int = 0
) -> Target:
    """A scale target set through the use case, as the system operator."""
    return await targets.set_target(
        world.runtime.system_uow(),
        Principal.system(),
        targets.SetTarget(
            pupil_id=world.pupils[pupil_index].id,
            strand_id=world.framework.strands[strand_index].id,
            academic_year=YEAR,
            step_id=step_id(world, step),
            rationale="next small step",
        ),
    )


@contextmanager
def counting_statements(runtime: Runtime) -> Iterator[list[str]]:
    """Every SQL statement the engine executes inside the block, in order."""
    statements: list[str] = []

    def record(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        statements.append(statement)

    # GraphQL runs on the worker loop's engine (api/worker_loop.py), the caller's resolution on
    # the service's own
    databases = [runtime.database]
    if runtime.worker is not None:
        databases.append(runtime.worker.runtime.database)
    engines = [database.engine.sync_engine for database in databases]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
