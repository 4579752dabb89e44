"""Use cases for judgements: record, correct (keeping history), moderate, read, delete."""

import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Protocol

from domain.assessment.judgement import Judgement, JudgementKind, JudgementRevision, ModerationState
from domain.assessment.ports import HasFrameworks, HasJudgements, HasModules, JudgementFilter
from domain.assessment.references import referenced_strand, step_on_scale
from domain.kernel.access import Permission, Principal
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import Conflict, InvariantViolation, Problem, invalid
from domain.kernel.ids import new_id
from domain.kernel.paging import Page, PageRequest
from domain.kernel.references import check_version, found, not_in_future
from domain.kernel.transaction import Transaction
from domain.organisation.ports import HasSchools
from domain.pupils.ports import HasPupils
from domain.pupils.references import referenced_pupil, require_filter_scope


class JudgementWork(
    HasFrameworks, HasJudgements, HasModules, HasPupils, HasSchools, Transaction, Protocol
):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class RecordJudgement:
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    module_id: uuid.UUID
    step_id: uuid.UUID
    kind: JudgementKind = JudgementKind.CHECKPOINT
    assessed_on: date | None = None
    assessor: str | None = None
    note: str = ""
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CorrectJudgement:
    judgement_id: uuid.UUID
    expected_version: int | None
    reason: str
    step_id: uuid.UUID | None = None
    kind: JudgementKind | None = None
    assessed_on: date | None = None
    assessor: str | None = None
    note: str | None = None
    evidence: list[str] | None = None


@dataclass(frozen=True, slots=True)
class ModerateJudgement:
    judgement_id: uuid.UUID
    expected_version: int | None
    state: ModerationState
    step_id: uuid.UUID | None = None
    moderator: str | None = None
    moderated_on: date | None = None


async def record_judgement(
    uow: JudgementWork, actor: Principal, cmd: RecordJudgement, clock: Clock = SYSTEM_CLOCK
) -> Judgement:
    actor.require(Permission.WRITE_ASSESSMENT)
    async with uow:
        pupil = await referenced_pupil(uow, cmd.pupil_id, actor)
        actor.require(Permission.WRITE_ASSESSMENT, pupil.school_id)
        module = await uow.modules.get(cmd.module_id)
        if module is None:
            raise invalid("module_id", "no such module", "reference")
        if module.school_id != pupil.school_id:
            raise invalid("module_id", "the module belongs to another school", "reference")
        framework, _ = await referenced_strand(uow, cmd.strand_id, pupil.school_id)
        step_on_scale(framework, cmd.step_id)
        judgement = Judgement(
            id=new_id(),
            school_id=pupil.school_id,
            pupil_id=pupil.id,
            strand_id=cmd.strand_id,
            module_id=module.id,
            step_id=cmd.step_id,
            kind=cmd.kind,
            assessed_on=cmd.assessed_on or min(clock.today(), module.ends_on),
            assessor=(cmd.assessor or actor.display_name).strip(),
            recorded_by=actor.subject,
            recorded_at=clock.now(),
            note=cmd.note,
            evidence=list(cmd.evidence),
        )
        problems = judgement.problems(clock.today())
        year = module.academic_year
        if not year.starts_on <= judgement.assessed_on <= year.ends_on:
            problems.append(
                Problem(
                    "assessed_on",
                    f"outside the module's academic year {year.label}",
                    "academic_year",
                )
            )
        if problems:
            raise InvariantViolation(problems)
        existing = await uow.judgements.find(pupil.id, cmd.strand_id, module.id)
        if existing is not None:
            raise Conflict(
                f"a judgement for this pupil, strand and module exists ({existing.id}); correct it",
                field="module_id",
            )
        await uow.judgements.add(judgement)
        await uow.commit()
    return judgement


async def correct_judgement(
    uow: JudgementWork, actor: Principal, cmd: CorrectJudgement, clock: Clock = SYSTEM_CLOCK
) -> Judgement:
    if not cmd.reason.strip():
        raise invalid("reason", "say why the judgement is corrected", "required")
    async with uow:
        judgement = found(await uow.judgements.get(cmd.judgement_id), "judgement", cmd.judgement_id)
        actor.require(Permission.WRITE_ASSESSMENT, judgement.school_id)
        check_version("judgement", judgement.version, cmd.expected_version)
        if cmd.step_id is not None:
            framework, _ = await referenced_strand(uow, judgement.strand_id, judgement.school_id)
            step_on_scale(framework, cmd.step_id)
        previous = judgement.version
        revision = judgement.snapshot(actor.subject, clock.now(), cmd.reason.strip())
        judgement.correct(
            step_id=cmd.step_id,
            kind=cmd.kind,
            assessed_on=cmd.assessed_on,
            assessor=cmd.assessor,
            note=cmd.note,
            evidence=cmd.evidence,
        )
        if problems := judgement.problems(clock.today()):
            raise InvariantViolation(problems)
        await uow.judgements.add_revision(judgement.school_id, revision)
        await uow.judgements.update(judgement, previous)
        await uow.commit()
    return judgement


async def moderate_judgement(
    uow: JudgementWork, actor: Principal, cmd: ModerateJudgement, clock: Clock = SYSTEM_CLOCK
) -> Judgement:
    async with uow:
        judgement = found(await uow.judgements.get(cmd.judgement_id), "judgement", cmd.judgement_id)
        actor.require(Permission.WRITE_ASSESSMENT, judgement.school_id)
        check_version("judgement", judgement.version, cmd.expected_version)
        if cmd.state is ModerationState.ADJUSTED:
            if cmd.step_id is None:
                raise invalid("step_id", "an adjusted moderation names its step", "required")
            framework, _ = await referenced_strand(uow, judgement.strand_id, judgement.school_id)
            step_on_scale(framework, cmd.step_id)
        not_in_future(cmd.moderated_on, clock.today(), "moderated_on")
        previous = judgement.version
        revision = judgement.snapshot(actor.subject, clock.now(), f"moderation: {cmd.state.value}")
        judgement.moderate(
            cmd.state,
            cmd.step_id,
            (cmd.moderator or actor.display_name).strip(),
            cmd.moderated_on or clock.today(),
        )
        if problems := judgement.problems(clock.today()):
            raise InvariantViolation(problems)
        await uow.judgements.add_revision(judgement.school_id, revision)
        await uow.judgements.update(judgement, previous)
        await uow.commit()
    return judgement


async def delete_judgement(
    uow: JudgementWork,
    actor: Principal,
    judgement_id: uuid.UUID,
    expected_version: int | None,
    reason: str,
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """Remove a judgement entered in error; its last state stays in the history."""
    async with uow:
        judgement = found(await uow.judgements.get(judgement_id), "judgement", judgement_id)
        actor.require(Permission.WRITE_ASSESSMENT, judgement.school_id)
        check_version("judgement", judgement.version, expected_version)
        revision = judgement.snapshot(actor.subject, clock.now(), f"deleted: {reason}".strip())
        await uow.judgements.add_revision(judgement.school_id, revision)
        await uow.judgements.delete(judgement)
        await uow.commit()


def as_seen_by(judgement: Judgement, actor: Principal) -> Judgement:
    """Pseudonymised callers (trust analysts) get no free text: a note, an assessor's or
    moderator's name as typed, or an evidence link can name the pupil ("talked to Zyxfore's
    mum"), as the exports and the pupil report already know."""
    if not actor.pseudonymised:
        return judgement
    return replace(
        judgement,
        note="",
        assessor="",
        evidence=[],
        moderation=replace(judgement.moderation, moderator=None),
    )


def revision_as_seen_by(revision: JudgementRevision, actor: Principal) -> JudgementRevision:
    """A previous state, without its free text for pseudonymised callers (see `as_seen_by`),
    the reason for the change included."""
    if not actor.pseudonymised:
        return revision
    return replace(
        revision,
        note="",
        assessor="",
        reason="",
        moderation=replace(revision.moderation, moderator=None),
    )


async def get_judgement(uow: JudgementWork, actor: Principal, judgement_id: uuid.UUID) -> Judgement:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        judgement = found(await uow.judgements.get(judgement_id), "judgement", judgement_id)
    return as_seen_by(judgement, actor)


async def judgement_history(
    uow: JudgementWork, actor: Principal, judgement_id: uuid.UUID
) -> list[JudgementRevision]:
    """Previous states, oldest first; works for deleted judgements too (scope still applies)."""
    actor.require(Permission.READ_ROSTER)
    async with uow:
        revisions = (await uow.judgements.revisions([judgement_id]))[judgement_id]
        if not revisions and await uow.judgements.get(judgement_id) is None:
            return found(None, "judgement", judgement_id)
    return [revision_as_seen_by(r, actor) for r in revisions]


async def list_judgements(
    uow: JudgementWork, actor: Principal, filter: JudgementFilter, page: PageRequest
) -> Page[Judgement]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        await require_filter_scope(uow, actor, school_id=filter.school_id, pupil_id=filter.pupil_id)
        result = await uow.judgements.matching(filter, page)
    return Page([as_seen_by(j, actor) for j in result.items], result.next_after)
