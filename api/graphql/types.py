"""GraphQL types, built from domain entities (never from table rows).

Every relation goes through a per-request data loader, so a nested query such as
school { pupils { judgements { step } } } costs a fixed number of SQL statements
whatever the number of pupils.
"""

import uuid
from datetime import date, datetime

import strawberry

from api.graphql.analytics import StrandProgress, pupil_progress
from api.graphql.context import Ctx
from api.graphql.from_entity import from_entity
from api.graphql.paging import DEFAULT_FIRST, Connection, connection, page_request, sliced
from api.graphql.scale import Step, Strand, _step
from domain.assessment import framework as fw
from domain.assessment import framework_service as frameworks_service
from domain.assessment import judgement as jm
from domain.assessment import module_service as modules_service
from domain.assessment.ports import FrameworkFilter, JudgementFilter, ModuleFilter
from domain.kernel import calendar as cal
from domain.organisation import organisation as org
from domain.organisation import organisation_service
from domain.organisation.ports import SchoolFilter
from domain.outcomes import destination as dest
from domain.privacy.pupil_view import PupilView
from domain.pupils import pupil as pm
from domain.pupils import pupil_service as pupils_service
from domain.pupils.ports import PupilFilter
from domain.targets import target as tm
from domain.targets.ports import TargetFilter


@strawberry.type
class Framework:
    id: uuid.UUID
    name: str
    description: str
    trust_id: uuid.UUID | None
    school_id: uuid.UUID | None
    strands: list[Strand]
    steps: list[Step]
    version: int

    @classmethod
    def of(cls, f: fw.Framework) -> "Framework":
        return from_entity(
            cls, f, strands=[Strand.of(s) for s in f.strands], steps=[Step.of(s) for s in f.steps]
        )


@strawberry.type
class Module:
    id: uuid.UUID
    school_id: uuid.UUID
    academic_year: str
    sequence: int
    name: str
    starts_on: date
    ends_on: date
    version: int

    @classmethod
    def of(cls, m: cal.Module) -> "Module":
        return from_entity(cls, m, academic_year=m.academic_year.label)


@strawberry.type
class Moderation:
    state: jm.ModerationState
    step_id: uuid.UUID | None
    moderator: str | None
    moderated_on: date | None

    @strawberry.field
    async def step(self, info: Ctx) -> Step | None:
        return await _step(info, self.step_id)


@strawberry.type
class JudgementRevision:
    version: int
    step_id: uuid.UUID
    kind: jm.JudgementKind
    assessed_on: date
    assessor: str
    note: str
    moderation: Moderation
    changed_by: str
    changed_at: datetime
    reason: str


def _moderation(m: jm.Moderation) -> Moderation:
    return Moderation(
        state=m.state, step_id=m.step_id, moderator=m.moderator, moderated_on=m.moderated_on
    )


def _judgement_revision(r: jm.JudgementRevision) -> JudgementRevision:
    return JudgementRevision(
        version=r.version,
        step_id=r.step_id,
        kind=r.kind,
        assessed_on=r.assessed_on,
        assessor=r.assessor,
        note=r.note,
        moderation=_moderation(r.moderation),
        changed_by=r.changed_by,
        changed_at=r.changed_at,
        reason=r.reason,
    )


@strawberry.type
class Judgement:
    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    module_id: uuid.UUID
    step_id: uuid.UUID
    effective_step_id: uuid.UUID
    kind: jm.JudgementKind
    assessed_on: date
    assessor: str
    note: str
    evidence: list[str]
    moderation: Moderation
    recorded_by: str
    recorded_at: datetime
    version: int

    @classmethod
    def of(cls, j: jm.Judgement) -> "Judgement":
        return from_entity(cls, j, evidence=list(j.evidence), moderation=_moderation(j.moderation))

    @strawberry.field
    async def step(self, info: Ctx) -> Step | None:
        return await _step(info, self.step_id)

    @strawberry.field(description="the moderated step where moderation adjusted it")
    async def effective_step(self, info: Ctx) -> Step | None:
        return await _step(info, self.effective_step_id)

    @strawberry.field
    async def strand(self, info: Ctx) -> Strand | None:
        found = await info.context.loaders.strand.load(self.strand_id)
        return Strand.of(found) if found else None

    @strawberry.field
    async def module(self, info: Ctx) -> Module | None:
        found = await info.context.loaders.module.load(self.module_id)
        return Module.of(found) if found else None

    @strawberry.field(description="previous states, oldest first")
    async def history(
        self, info: Ctx, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> Connection[JudgementRevision]:
        revisions = await info.context.loaders.judgement_history.load(self.id)
        return sliced(revisions, first, after, _judgement_revision)


@strawberry.type
class TargetRevision:
    changed_at: datetime
    changed_by: str
    status: tm.TargetStatus
    step_id: uuid.UUID
    reason: str


@strawberry.type
class Target:
    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    academic_year: str
    step_id: uuid.UUID
    set_on: date
    set_by: str
    rationale: str
    status: tm.TargetStatus
    supersedes_id: uuid.UUID | None
    version: int

    @classmethod
    def of(cls, t: tm.Target) -> "Target":
        return from_entity(cls, t, academic_year=t.academic_year.label)

    @strawberry.field
    async def step(self, info: Ctx) -> Step | None:
        return await _step(info, self.step_id)

    @strawberry.field
    async def strand(self, info: Ctx) -> Strand | None:
        found = await info.context.loaders.strand.load(self.strand_id)
        return Strand.of(found) if found else None

    @strawberry.field(
        description="every change to this target and those it superseded or was superseded by"
    )
    async def history(
        self, info: Ctx, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> Connection[TargetRevision]:
        entries = await info.context.loaders.target_history.load(self.id)
        return sliced(
            entries,
            first,
            after,
            lambda e: TargetRevision(
                changed_at=e.changed_at,
                changed_by=e.changed_by,
                status=e.status,
                step_id=e.step_id,
                reason=e.reason,
            ),
        )


@strawberry.type
class OutcomeEvaluation:
    id: uuid.UUID
    academic_year: str
    term: tm.Term
    rating: tm.OutcomeRating
    evaluated_on: date
    evaluated_by: str
    note: str


@strawberry.type
class OutcomeTarget:
    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    source: tm.OutcomeSource
    area: str
    text: str
    set_on: date
    due_on: date | None
    status: tm.OutcomeStatus
    version: int
    _evaluations: strawberry.Private[list[tm.OutcomeEvaluation]]

    @classmethod
    def of(cls, o: tm.OutcomeTarget) -> "OutcomeTarget":
        return from_entity(cls, o, _evaluations=list(o.evaluations))

    @strawberry.field(description="one a term, oldest first")
    def evaluations(
        self, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> Connection[OutcomeEvaluation]:
        return sliced(
            self._evaluations,
            first,
            after,
            lambda e: OutcomeEvaluation(
                id=e.id,
                academic_year=e.academic_year.label,
                term=e.term,
                rating=e.rating,
                evaluated_on=e.evaluated_on,
                evaluated_by=e.evaluated_by,
                note=e.note,
            ),
        )


@strawberry.type
class Destination:
    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    left_on: date
    year_group_at_leaving: str
    category: dest.DestinationCategory
    provider: str
    sustained: bool | None
    eet: bool | None
    version: int

    @classmethod
    def of(cls, d: dest.Destination) -> "Destination":
        return from_entity(cls, d)


@strawberry.type
class Characteristic:
    kind: pm.CharacteristicKind
    start_on: date
    end_on: date | None
    value: str | None
    rank: int | None


@strawberry.type
class Enrolment:
    joined_on: date
    left_on: date | None
    registration: pm.Registration


@strawberry.type(description="identity fields are null, and pseudonym set, for trust analysts")
class Pupil:
    id: uuid.UUID
    school_id: uuid.UUID
    forename: str | None
    surname: str | None
    date_of_birth: date | None
    upn: str | None
    mis_id: str | None
    pseudonym: str | None
    gender: pm.Gender
    year_group: str
    pathway: str | None
    version: int
    _view: strawberry.Private[PupilView]

    @classmethod
    def of(cls, p: PupilView) -> "Pupil":
        return from_entity(cls, p, _view=p)

    @strawberry.field(description="dated periods of Pupil Premium, FSM, EAL, SEN and needs")
    def characteristics(
        self, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> Connection[Characteristic]:
        return sliced(
            self._view.characteristics,
            first,
            after,
            lambda c: Characteristic(
                kind=c.kind, start_on=c.start_on, end_on=c.end_on, value=c.value, rank=c.rank
            ),
        )

    @strawberry.field(description="each time the pupil joined (and left) the school")
    def enrolments(
        self, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> Connection[Enrolment]:
        return sliced(
            self._view.enrolments,
            first,
            after,
            lambda e: Enrolment(
                joined_on=e.joined_on, left_on=e.left_on, registration=e.registration
            ),
        )

    @strawberry.field(description="in the order they were recorded")
    async def judgements(
        self,
        info: Ctx,
        module_id: uuid.UUID | None = None,
        strand_id: uuid.UUID | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[Judgement]:
        page = await info.context.loaders.judgements_of_pupil(
            self.id,
            JudgementFilter(strand_id=strand_id, module_id=module_id),
            page_request(first, after),
        )
        return connection(page, [Judgement.of(j) for j in page.items])

    @strawberry.field(description="in the order they were set")
    async def targets(
        self,
        info: Ctx,
        academic_year: str | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[Target]:
        year = cal.AcademicYear.parse_given(academic_year)
        page = await info.context.loaders.targets_of_pupil(
            self.id, TargetFilter(academic_year=year), page_request(first, after)
        )
        return connection(page, [Target.of(t) for t in page.items])

    @strawberry.field(description="each strand's progress at module `module` of `academic_year`")
    async def progress(
        self,
        info: Ctx,
        academic_year: str,
        module: int,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[StrandProgress]:
        facts = await pupil_progress(info, self.id, self.school_id, academic_year, module)
        return sliced(facts, first, after, lambda f: f)

    @strawberry.field
    async def school(self, info: Ctx) -> "School | None":
        found = await info.context.loaders.school.load(self.school_id)
        return School.of(found) if found else None


@strawberry.type
class School:
    id: uuid.UUID
    trust_id: uuid.UUID
    urn: str
    name: str
    type: org.SchoolType
    version: int

    @classmethod
    def of(cls, s: org.School) -> "School":
        return from_entity(cls, s)

    @strawberry.field(description="pupils on the school's roll (not archived)")
    async def pupils(
        self,
        info: Ctx,
        year_group: str | None = None,
        pathway: str | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[Pupil]:
        ctx = info.context
        page = await pupils_service.list_pupils(
            ctx.uow(),
            ctx.principal,
            PupilFilter(self.id, year_group, pathway),
            page_request(first, after),
            ctx.runtime.pseudonymiser,
        )
        return connection(page, [Pupil.of(p) for p in page.items])

    @strawberry.field
    async def modules(
        self,
        info: Ctx,
        academic_year: str | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[Module]:
        year = cal.AcademicYear.parse_given(academic_year)
        page = await modules_service.list_modules(
            info.context.uow(),
            info.context.principal,
            ModuleFilter(self.id, year),
            page_request(first, after),
        )
        return connection(page, [Module.of(m) for m in page.items])

    @strawberry.field(description="frameworks the school can use: its own and its trust's")
    async def frameworks(
        self, info: Ctx, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> Connection[Framework]:
        page = await frameworks_service.list_frameworks(
            info.context.uow(),
            info.context.principal,
            FrameworkFilter(school_id=self.id),
            page_request(first, after),
        )
        return connection(page, [Framework.of(f) for f in page.items])


@strawberry.type
class Trust:
    id: uuid.UUID
    name: str
    kind: org.TrustKind
    version: int

    @classmethod
    def of(cls, t: org.Trust) -> "Trust":
        return from_entity(cls, t)

    @strawberry.field(description="the trust's schools that the caller may see")
    async def schools(
        self, info: Ctx, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> Connection[School]:
        page = await organisation_service.list_schools(
            info.context.uow(),
            info.context.principal,
            SchoolFilter(trust_id=self.id),
            page_request(first, after),
        )
        return connection(page, [School.of(s) for s in page.items])
