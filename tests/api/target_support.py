"""Targets, tokens and moderation for the target-progress and suggestion tests, on top of
progress_support.Tracker (kept in their own module: Tracker is shared by other suites)."""

from typing import Any

import httpx

from api.runtime import Runtime
from domain.assessment import judgement_service as judgements
from domain.assessment.judgement import ModerationState
from domain.kernel.calendar import AcademicYear
from domain.pupils.pupil import Pupil
from domain.targets import target_service as targets
from domain.targets.target import Target
from tests.api.progress_support import SYSTEM, Tracker


async def set_target(
    tracker: Tracker, pupil: Pupil, strand: str, year: str, value: float
) -> Target:
    return await targets.set_target(
        tracker.runtime.system_uow(),
        SYSTEM,
        targets.SetTarget(
            pupil.id, tracker.strand(strand), AcademicYear.parse(year), tracker.step(value)
        ),
    )


async def moderate(
    tracker: Tracker, pupil: Pupil, strand: str, year: str, sequence: int, value: float
) -> None:
    """Adjust the judgement at a module to `value` (it then counts at that step)."""
    runtime: Runtime = tracker.runtime
    async with runtime.system_uow() as uow:
        judgement = await uow.judgements.find(
            pupil.id, tracker.strand(strand), tracker.module(year, sequence).id
        )
    assert judgement is not None
    await judgements.moderate_judgement(
        runtime.system_uow(),
        SYSTEM,
        judgements.ModerateJudgement(
            judgement.id, None, ModerationState.ADJUSTED, tracker.step(value), "Moderator"
        ),
    )


async def get_json(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any
) -> Any:
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()
