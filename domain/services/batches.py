"""Batch reads for data loaders: many keys in, one query per kind, same rules as single reads."""

import uuid
from collections.abc import Sequence

from domain.access import Permission, Principal
from domain.calendar import Module
from domain.framework import Framework, Step, Strand
from domain.judgement import Judgement, JudgementRevision
from domain.organisation import School
from domain.ports import UnitOfWork
from domain.privacy import Pseudonymiser, PupilView, view_of
from domain.services import judgements, targets
from domain.target import Target, TargetRevision, chain_history


async def schools(uow: UnitOfWork, actor: Principal, ids: Sequence[uuid.UUID]) -> list[School]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return await uow.schools.get_many(ids)


async def pupils(
    uow: UnitOfWork, actor: Principal, ids: Sequence[uuid.UUID], pseudonymiser: Pseudonymiser
) -> list[PupilView]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        found = await uow.pupils.get_many(ids)
    return [view_of(p, actor, pseudonymiser) for p in found]


async def pupils_of_schools(
    uow: UnitOfWork, actor: Principal, school_ids: Sequence[uuid.UUID], pseudonymiser: Pseudonymiser
) -> dict[uuid.UUID, list[PupilView]]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        grouped = await uow.pupils.for_schools(school_ids)
    return {sid: [view_of(p, actor, pseudonymiser) for p in ps] for sid, ps in grouped.items()}


async def judgements_of_pupils(
    uow: UnitOfWork, actor: Principal, pupil_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Judgement]]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        grouped = await uow.judgements.for_pupils(pupil_ids)
    return {pid: [judgements.as_seen_by(j, actor) for j in js] for pid, js in grouped.items()}


async def targets_of_pupils(
    uow: UnitOfWork, actor: Principal, pupil_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Target]]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        grouped = await uow.targets.for_pupils(pupil_ids)
    return {pid: [targets.as_seen_by(t, actor) for t in ts] for pid, ts in grouped.items()}


async def judgement_histories(
    uow: UnitOfWork, actor: Principal, judgement_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[JudgementRevision]]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        grouped = await uow.judgements.revisions(judgement_ids)
    return {
        jid: [judgements.revision_as_seen_by(r, actor) for r in rs] for jid, rs in grouped.items()
    }


async def target_histories(
    uow: UnitOfWork, actor: Principal, target_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[TargetRevision]]:
    """Every change to each target's chain, oldest first."""
    actor.require(Permission.READ_ROSTER)
    async with uow:
        chains = await uow.targets.chains(target_ids)
    return {tid: chain_history(chain) for tid, chain in chains.items()}


async def steps(uow: UnitOfWork, actor: Principal, ids: Sequence[uuid.UUID]) -> list[Step]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return await uow.frameworks.steps(ids)


async def strands(uow: UnitOfWork, actor: Principal, ids: Sequence[uuid.UUID]) -> list[Strand]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return await uow.frameworks.strands(ids)


async def modules(uow: UnitOfWork, actor: Principal, ids: Sequence[uuid.UUID]) -> list[Module]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return await uow.modules.get_many(ids)


async def frameworks(
    uow: UnitOfWork, actor: Principal, ids: Sequence[uuid.UUID]
) -> list[Framework]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return await uow.frameworks.get_many(ids)
