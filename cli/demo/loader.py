"""Writes the demo trust, phase by phase.

The trust, schools, frameworks, modules, pupils, destinations and accounts go
through the use cases, one unit of work each, so every rule applies. Judgements,
targets and outcome targets (thousands of rows) are built as validated entities
and written in one unit of work per kind. Accounts come last: their presence is
how a second run knows the first one finished.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, TypeVar

from cli.database import Operator
from cli.demo.accounts import ACCOUNTS, CLIENT_NAME, CLIENT_PERMISSIONS, CLIENT_SCHOOL
from cli.demo.judgements import Marker, Trajectory, trajectories
from cli.demo.models import MODELS
from cli.demo.outcomes import OutcomeWriter
from cli.demo.placements import Placements
from cli.demo.plans import Pattern, PupilPlan
from cli.demo.register import Register
from cli.demo.roll import SpecialRoll
from cli.demo.scales import FRAMEWORKS, Scale
from cli.demo.schools import SCHOOLS, TRUST_KIND, TRUST_NAME
from cli.demo.targets import TargetSetter, TargetSetting, expected_rate
from domain.analytics.progress_model_service import CreateModel, ModelSpec, create_model
from domain.assessment.framework import Framework
from domain.assessment.framework_service import CreateFramework, create_framework
from domain.assessment.module_service import CreateModule, create_module
from domain.identity.identity_service import (
    CreateClient,
    CreateUser,
    IssuedClient,
    create_client,
    create_user,
)
from domain.kernel.calendar import AcademicYear, Module
from domain.organisation.organisation import School, Trust
from domain.organisation.organisation_service import (
    CreateSchool,
    CreateTrust,
    create_school,
    create_trust,
)
from domain.outcomes.destination_service import RecordDestination, record_destination
from domain.pupils.pupil import Pupil
from domain.pupils.pupil_service import enrol_pupil
from domain.targets.target import TargetStatus
from domain.targets.target_service import (
    ChangeTargetStatus,
    ReviseTarget,
    change_target_status,
    revise_target,
)

T = TypeVar("T")

#: The fixed seed: the same day gives the same pupils, steps and targets on every machine.
SEED = "weald-downs-learning-trust"
BATCH = 1000


class Report(Protocol):
    """Where the loader says how far it has got."""

    def begin(self, phase: str, total: int) -> None: ...
    def advance(self, count: int = 1) -> None: ...


@dataclass(slots=True)
class Loaded:
    trust: Trust
    client: IssuedClient
    counts: dict[str, int] = field(default_factory=dict)


def _stream(name: str) -> random.Random:
    """A separate random stream per phase, so changing one phase leaves the others alone."""
    return random.Random(f"{SEED}/{name}")  # noqa: S311 - demo data, not secrets


class Loader:
    def __init__(self, op: Operator, report: Report, today: date, now: datetime) -> None:
        self.op = op
        self.report = report
        self.today = today
        self.now = now
        self.counts: dict[str, int] = {}

    def _count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    async def load(self) -> Loaded:
        trust, schools, frameworks = await self._organisation()
        modules = await self._calendars(schools)
        enrolled = await self._pupils(schools)
        paths = trajectories(_stream("progress"), enrolled, modules, frameworks, self.today)
        await self._judgements(paths)
        await self._targets(paths)
        await self._outcomes(enrolled)
        await self._destinations(enrolled)
        client = await self._accounts(trust, schools)
        return Loaded(trust, client, self.counts)

    async def _organisation(self) -> tuple[Trust, dict[str, School], dict[Scale, Framework]]:
        op = self.op
        self.report.begin("Trust, schools and frameworks", 1 + len(SCHOOLS) + len(FRAMEWORKS))
        trust = await create_trust(op.uow(), op.actor, CreateTrust(TRUST_NAME, TRUST_KIND))
        self.report.advance()
        schools: dict[str, School] = {}
        for plan in SCHOOLS:
            command = CreateSchool(trust.id, plan.urn, plan.name, plan.type)
            schools[plan.key] = await create_school(op.uow(), op.actor, command)
            self.report.advance()
        frameworks: dict[Scale, Framework] = {}
        for spec in FRAMEWORKS:
            owned_by_trust = spec.owner == "trust"
            framework = CreateFramework(
                name=spec.name,
                strands=spec.strands,
                steps=spec.steps,
                trust_id=trust.id if owned_by_trust else None,
                school_id=None if owned_by_trust else schools[spec.owner].id,
                description=spec.description,
            )
            frameworks[spec.scale] = await create_framework(op.uow(), op.actor, framework)
            self.report.advance()
        self._count("trusts")
        self._count("schools", len(schools))
        self._count("frameworks", len(frameworks))
        await self._progress_models(frameworks)
        return trust, schools, frameworks

    async def _progress_models(self, frameworks: dict[Scale, Framework]) -> None:
        for plan in MODELS:
            spec = ModelSpec(plan.name, rules=plan.rules)
            command = CreateModel(frameworks[plan.scale].id, spec, plan.pathway)
            await create_model(self.op.uow(), self.op.actor, command)
        self._count("progress models", len(MODELS))

    async def _calendars(self, schools: dict[str, School]) -> dict[str, list[Module]]:
        """Three years of modules (6-weekly points at the PRU), this year's in full."""
        current = AcademicYear.containing(self.today)
        years = [current.previous().previous(), current.previous(), current]
        self.report.begin("Modules", len(SCHOOLS) * len(years) * 6)
        made: dict[str, list[Module]] = {}
        for plan in SCHOOLS:
            made[plan.key] = []
            for year in years:
                for window in plan.windows(year):
                    command = CreateModule(
                        schools[plan.key].id,
                        year,
                        window.sequence,
                        window.name,
                        window.starts_on,
                        window.ends_on,
                    )
                    made[plan.key].append(
                        await create_module(self.op.uow(), self.op.actor, command)
                    )
                    self.report.advance()
        self._count("modules", sum(len(m) for m in made.values()))
        return made

    async def _pupils(self, schools: dict[str, School]) -> list[tuple[PupilPlan, Pupil]]:
        rng = _stream("roll")
        register = Register(rng)
        roll = SpecialRoll(rng, register, self.today)
        plans = roll.milestone() + roll.brookfield() + Placements(rng, register, self.today).all()
        self.report.begin("Pupils", len(plans))
        enrolled = []
        for plan in plans:
            command = plan.command(schools[plan.school.key].id)
            enrolled.append((plan, await enrol_pupil(self.op.uow(), self.op.actor, command)))
            self.report.advance()
        self._count("pupils", len(enrolled))
        self._count("enrolments", sum(len(p.enrolments) for _, p in enrolled))
        self._count("characteristics", sum(len(p.characteristics) for _, p in enrolled))
        return enrolled

    async def _judgements(self, paths: list[Trajectory]) -> None:
        marking = Marker(_stream("marking"), self.today, self.now).mark(paths)
        self.report.begin("Judgements", len(marking.judgements) + len(marking.revisions))
        async with self.op.uow() as uow:
            for chunk in _batches(marking.judgements):
                await uow.judgements.add_many(chunk)
                self.report.advance(len(chunk))
            for school_id, revision in marking.revisions:
                await uow.judgements.add_revision(school_id, revision)
                self.report.advance()
            await uow.commit()
        self._count("judgements", len(marking.judgements))
        self._count("judgement revisions", len(marking.revisions))

    async def _targets(self, paths: list[Trajectory]) -> None:
        setting = TargetSetter(_stream("targets"), self.today, self.now).set(paths)
        targets = [target for chain in setting.chains for target in chain]
        self.report.begin("Targets", len(targets))
        async with self.op.uow() as uow:
            for target in targets:
                if problems := target.problems():
                    raise RuntimeError(f"demo target breaks the rules: {problems}")
                await uow.targets.add(target)
                for entry in target.history:
                    await uow.targets.add_revision(target.school_id, entry)
                self.report.advance()
            await uow.commit()
        self._count("targets", len(targets))
        self._count("target revisions", sum(len(t.history) for t in targets))
        await self._autumn_review(setting)

    async def _autumn_review(self, setting: TargetSetting) -> None:
        """This term's review, through the use cases: a few pupils who moved faster than
        expected last year have their targets raised; a few who stalled have theirs marked
        too challenging."""
        op, rng = self.op, _stream("review")
        raise_, ease = [], []
        for path, target in setting.this_year:
            steps = path.framework.steps
            goal = next(i for i, s in enumerate(steps) if s.id == target.step_id)
            returning = path.points[0].occasion.module.academic_year != target.academic_year
            if returning and path.track.rate > expected_rate(path) + 0.3 and goal + 2 < len(steps):
                raise_.append((target, steps[goal + rng.choice((1, 2))].id))
            elif returning and path.plan.pattern is not Pattern.STEADY:
                ease.append(target)
        for target, step_id in rng.sample(raise_, min(8, len(raise_))):
            reason = "Moved faster than expected last year; raised at the autumn review"
            revision = ReviseTarget(target.id, target.version, step_id, reason)
            await revise_target(op.uow(), op.actor, revision)
            self._count("targets")
            self._count("target revisions", 2)
        for target in rng.sample(ease, min(4, len(ease))):
            reason = "Stalled last year; agreed with parents at the autumn review"
            change = ChangeTargetStatus(
                target.id, target.version, TargetStatus.TOO_CHALLENGING, reason
            )
            await change_target_status(op.uow(), op.actor, change)
            self._count("target revisions")

    async def _outcomes(self, enrolled: list[tuple[PupilPlan, Pupil]]) -> None:
        outcomes = OutcomeWriter(_stream("outcomes"), self.today).write(enrolled)
        self.report.begin("Outcome targets", len(outcomes))
        async with self.op.uow() as uow:
            for outcome in outcomes:
                await uow.outcomes.add(outcome)
                for evaluation in outcome.evaluations:
                    await uow.outcomes.add_evaluation(outcome, evaluation)
                self.report.advance()
            await uow.commit()
        self._count("outcome targets", len(outcomes))
        self._count("outcome evaluations", sum(len(o.evaluations) for o in outcomes))

    async def _destinations(self, enrolled: list[tuple[PupilPlan, Pupil]]) -> None:
        leavers = [
            RecordDestination(
                pupil_id=pupil.id,
                left_on=left_on,
                category=plan.leaving.category,
                year_group_at_leaving=plan.year_group,
                provider=plan.leaving.provider,
            )
            for plan, pupil in enrolled
            if plan.leaving is not None and (left_on := plan.enrolments[-1].left_on) is not None
        ]
        self.report.begin("Destinations", len(leavers))
        for command in leavers:
            await record_destination(self.op.uow(), self.op.actor, command)
            self.report.advance()
        self._count("destinations", len(leavers))

    async def _accounts(self, trust: Trust, schools: dict[str, School]) -> IssuedClient:
        op = self.op
        self.report.begin("Accounts", 1 + len(ACCOUNTS))
        client = CreateClient(
            CLIENT_NAME, CLIENT_PERMISSIONS, school_ids=frozenset({schools[CLIENT_SCHOOL.key].id})
        )
        issued = await create_client(op.uow(), op.actor, client, op.hasher)
        self.report.advance()
        for account in ACCOUNTS:
            school_ids = (
                frozenset({schools[account.school.key].id}) if account.school else frozenset()
            )
            command = CreateUser(
                email=account.email,
                name=account.name,
                role=account.role,
                password=account.password,
                trust_id=trust.id if account.role.is_trust_role else None,
                school_ids=school_ids,
            )
            await create_user(op.uow(), op.actor, command, op.hasher)
            self.report.advance()
        self._count("integration clients")
        self._count("users", len(ACCOUNTS))
        return issued


def _batches(items: Sequence[T]) -> list[Sequence[T]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]
