"""Batch reads for data loaders: many keys in, one query per kind, same rules as single reads."""

import uuid
from collections.abc import Sequence
from typing import Protocol

from domain.assessment import judgement_service as judgements
from domain.assessment.framework import Framework, Step, Strand
from domain.assessment.judgement import Judgement, JudgementRevision
from domain.assessment.ports import HasFrameworks, HasJudgements, HasModules, JudgementFilter
from domain.kernel.access import Permission, Principal
from domain.kernel.calendar import Module
from domain.kernel.paging import Page, PageRequest
from domain.kernel.transaction import Transaction
from domain.organisation.organisation import School
from domain.organisation.ports import HasSchools
from domain.privacy.pupil_view import Pseudonymiser, PupilView, view_of
from domain.pupils.ports import HasPupils
from domain.targets import target_service as targets
from domain.targets.ports import HasTargets, TargetFilter
from domain.targets.target import Target, TargetRevision, chain_history


class BatchesWork(
    HasFrameworks,
    HasJudgements,
    HasModules,
    HasPupils,
    HasSchools,
    HasTargets,
    Transaction,
    Protocol,
):
    """What these use cases need of the unit of work."""


async def schools(uow: BatchesWork, actor: Principal, ids: Sequence[uuid.UUID]) -> list[School]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return await uow.schools.get_many(ids)


async def pupils(
    uow: BatchesWork, actor: Principal, ids: Sequence[uuid.UUID], pseudonymiser: Pseudonymiser
) -> list[PupilView]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        found = await uow.pupils.get_many(ids)
    return [view_of(p, actor, pseudonymiser) for p in found]


async def judgement_pages(
    uow: BatchesWork,
    actor: Principal,
    pupil_ids: Sequence[uuid.UUID],
    filter: JudgementFilter,
    page: PageRequest,
) -> dict[uuid.UUID, Page[Judgement]]:
    """One page of each pupil's judgements, as the caller may see them."""
    actor.require(Permission.READ_ROSTER)
    async with uow:
        pages = await uow.judgements.pages_for_pupils(pupil_ids, filter, page)
    return {
        pid: Page([judgements.as_seen_by(j, actor) for j in p.items], p.next_after)
        for pid, p in pages.items()
    }


async def target_pages(
    uow: BatchesWork,
    actor: Principal,
    pupil_ids: Sequence[uuid.UUID],
    filter: TargetFilter,
    page: PageRequest,
) -> dict[uuid.UUID, Page[Target]]:
    """One page of each pupil's targets, as the caller may see them."""
    actor.require(Permission.READ_ROSTER)
    async with uow:
        pages = await uow.targets.pages_for_pupils(pupil_ids, filter, page)
    return {
        pid: Page([targets.as_seen_by(t, actor) for t in p.items], p.next_after)
        for pid, p in pages.items()
    }


async def judgement_histories(
    uow: BatchesWork, actor: Principal, judgement_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[JudgementRevision]]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        grouped = await uow.judgements.revisions(judgement_ids)
    return {
        jid: [judgements.revision_as_seen_by(r, actor) for r in rs] for jid, rs in grouped.items()
    }


async def target_histories(
    uow: BatchesWork, actor: Principal, target_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[TargetRevision]]:
    """Every change to each target's chain, oldest first."""
    actor.require(Permission.READ_ROSTER)
    async with uow:
        chains = await uow.targets.chains(target_ids)
    return {
        tid: targets.history_as_seen_by(chain_history(chain), actor)
        for tid, chain in chains.items()
    }


async def steps(uow: BatchesWork, actor: Principal, ids: Sequence[uuid.UUID]) -> list[Step]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return await uow.frameworks.steps(ids)


async def strands(uow: BatchesWork, actor: Principal, ids: Sequence[uuid.UUID]) -> list[Strand]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return await uow.frameworks.strands(ids)


async def modules(uow: BatchesWork, actor: Principal, ids: Sequence[uuid.UUID]) -> list[Module]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return await uow.modules.get_many(ids)


async def frameworks(
    uow: BatchesWork, actor: Principal, ids: Sequence[uuid.UUID]
) -> list[Framework]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return await uow.frameworks.get_many(ids)
