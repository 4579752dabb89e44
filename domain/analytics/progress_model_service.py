"""Use cases for expected-progress models: set one up for a framework, revise it (a new
version; the old one is kept for the results it made), read and list them."""

import uuid
from dataclasses import dataclass, field, replace
from typing import Protocol

from domain.analytics.ports import HasProgress, HasProgressModels
from domain.analytics.progress import ModelKind, ProgressModel, RateRule, ReferenceCell, Thresholds
from domain.assessment.framework import Framework
from domain.assessment.ports import HasFrameworks
from domain.kernel.access import Permission, Principal
from domain.kernel.calendar import AcademicYear
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import Conflict, InvariantViolation, invalid
from domain.kernel.ids import new_id
from domain.kernel.paging import PageRequest
from domain.kernel.references import found
from domain.kernel.transaction import Transaction
from domain.organisation.ports import HasSchools, SchoolFilter


class ProgressModelWork(
    HasFrameworks, HasProgress, HasProgressModels, HasSchools, Transaction, Protocol
):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """Everything a version of a model says (a revision states it in full)."""

    name: str
    kind: ModelKind = ModelKind.RATE
    thresholds: Thresholds = field(default_factory=Thresholds)
    rules: tuple[RateRule, ...] = ()
    start_band_width: float = 3.0
    age_band_years: int = 2
    match_primary_need: bool = False
    min_peers: int = 10


@dataclass(frozen=True, slots=True)
class CreateModel:
    framework_id: uuid.UUID
    spec: ModelSpec
    pathway: str | None = None


def _require_manager(actor: Principal, framework: Framework) -> None:
    """Whoever manages the framework manages its models."""
    if framework.trust_id is not None:
        actor.require_trust(Permission.MANAGE_TRUST, framework.trust_id)
    elif framework.school_id is not None:
        actor.require(Permission.MANAGE_SCHOOL, framework.school_id)


def _version(
    spec: ModelSpec, framework_id: uuid.UUID, pathway: str | None, lineage: uuid.UUID, version: int
) -> ProgressModel:
    model = ProgressModel(
        id=new_id(),
        lineage=lineage,
        version=version,
        framework_id=framework_id,
        name=spec.name.strip(),
        kind=spec.kind,
        pathway=pathway.strip() if pathway and pathway.strip() else None,
        thresholds=spec.thresholds,
        rules=list(spec.rules),
        start_band_width=spec.start_band_width,
        age_band_years=spec.age_band_years,
        match_primary_need=spec.match_primary_need,
        min_peers=spec.min_peers,
    )
    if problems := model.problems():
        raise InvariantViolation(problems)
    return model


async def create_model(uow: ProgressModelWork, actor: Principal, cmd: CreateModel) -> ProgressModel:
    """Version 1 of a new model; one active model per framework and pathway."""
    async with uow:
        framework = await uow.frameworks.get(cmd.framework_id)
        if framework is None:
            raise invalid("framework_id", "no such framework", "reference")
        _require_manager(actor, framework)
        model = _version(cmd.spec, framework.id, cmd.pathway, new_id(), 1)
        clash = [
            m
            for m in await uow.progress_models.for_framework(framework.id)
            if m.active and m.pathway == model.pathway
        ]
        if clash:
            raise Conflict(
                f"{clash[0].label} is already the model for this framework and pathway; revise it",
                field="pathway",
            )
        await uow.progress_models.add(model)
        await uow.commit()
    return model


async def revise_model(
    uow: ProgressModelWork,
    actor: Principal,
    model_id: uuid.UUID,
    spec: ModelSpec,
    expected_version: int | None = None,
) -> ProgressModel:
    """Save `spec` as the next version and retire the current one."""
    async with uow:
        current = found(await uow.progress_models.get(model_id), "progress model", model_id)
        framework = found(await uow.frameworks.get(current.framework_id), "framework", model_id)
        _require_manager(actor, framework)
        if not current.active:
            raise Conflict(f"{current.label} has been superseded; revise the current version")
        if expected_version is not None and expected_version != current.version:
            raise Conflict(f"the current version is {current.version}", field="version")
        revised = _version(
            spec, current.framework_id, current.pathway, current.lineage, current.version + 1
        )
        await uow.progress_models.retire(current)
        await uow.progress_models.add(revised)
        await uow.commit()
    return revised


async def get_model(uow: ProgressModelWork, actor: Principal, model_id: uuid.UUID) -> ProgressModel:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return found(await uow.progress_models.get(model_id), "progress model", model_id)


async def list_models(
    uow: ProgressModelWork, actor: Principal, framework_id: uuid.UUID
) -> list[ProgressModel]:
    """Every version of every model of a framework, current and superseded."""
    actor.require(Permission.READ_ROSTER)
    async with uow:
        found(await uow.frameworks.get(framework_id), "framework", framework_id)
        return await uow.progress_models.for_framework(framework_id)


@dataclass(frozen=True, slots=True)
class RebuildReference:
    """Recompute a percentile model's reference cells from the judgements of `school_ids`
    (default: every school the caller sees that can use the framework) in `academic_years`
    (default: the three academic years before the current one)."""

    model_id: uuid.UUID
    school_ids: tuple[uuid.UUID, ...] = ()
    academic_years: tuple[str, ...] = ()


async def rebuild_reference(
    uow: ProgressModelWork, actor: Principal, cmd: RebuildReference, clock: Clock = SYSTEM_CLOCK
) -> tuple[ProgressModel, list[ReferenceCell]]:
    """Save the model's next version with freshly computed cells (the old version keeps its)."""
    years = cmd.academic_years or tuple(
        AcademicYear(AcademicYear.containing(clock.today()).start_year - back).label
        for back in (3, 2, 1)
    )
    for year in years:
        AcademicYear.parse(year, "academic_years")
    async with uow:
        current = found(await uow.progress_models.get(cmd.model_id), "progress model", cmd.model_id)
        framework = found(await uow.frameworks.get(current.framework_id), "framework", cmd.model_id)
        _require_manager(actor, framework)
        if current.kind is not ModelKind.PERCENTILE:
            raise invalid("model_id", "only percentile models have reference data", "model.kind")
        if not current.active:
            raise Conflict(f"{current.label} has been superseded; rebuild the current version")
        pool = await _pool(uow, actor, framework, cmd.school_ids)
        cells = await uow.progress.reference_cells(current, pool, years)
        revised = replace(current, id=new_id(), version=current.version + 1)
        await uow.progress_models.retire(current)
        await uow.progress_models.add(revised)
        await uow.progress_models.add_cells(revised.id, cells)
        await uow.commit()
    return revised, cells


async def _pool(
    uow: ProgressModelWork, actor: Principal, framework: Framework, asked: tuple[uuid.UUID, ...]
) -> list[uuid.UUID]:
    """The schools whose pupils are the similar learners: those asked for, else all the caller
    sees that can use the framework (its school, or its trust's schools)."""
    if framework.school_id is not None:
        candidates = [framework.school_id]
    else:
        page = await uow.schools.matching(
            SchoolFilter(trust_id=framework.trust_id), PageRequest(500)
        )
        candidates = [s.id for s in page.items]
    if asked:
        if outside := set(asked) - set(candidates):
            listed = ", ".join(sorted(str(s) for s in outside))
            raise invalid("school_ids", f"cannot use this framework: {listed}", "reference")
        return sorted(asked)
    return sorted(candidates)


async def reference_cells(
    uow: ProgressModelWork, actor: Principal, model_id: uuid.UUID
) -> list[ReferenceCell]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        found(await uow.progress_models.get(model_id), "progress model", model_id)
        return await uow.progress_models.cells(model_id)
