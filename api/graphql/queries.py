"""The Query root: every read goes through the same use cases as REST."""

import uuid
from datetime import date

import strawberry

from api.graphql.analytics import AnalyticsQuery
from api.graphql.context import Ctx
from api.graphql.paging import DEFAULT_FIRST, Connection, connection, page_request
from api.graphql.reports import ReportQuery
from api.graphql.types import (
    Destination,
    Framework,
    Judgement,
    Module,
    OutcomeTarget,
    Pupil,
    School,
    Target,
    Trust,
)
from domain.assessment import framework_service as frameworks
from domain.assessment import judgement as jm
from domain.assessment import judgement_service as judgements
from domain.assessment import module_service as modules
from domain.assessment.ports import FrameworkFilter, JudgementFilter, ModuleFilter
from domain.kernel.calendar import AcademicYear
from domain.organisation import organisation_service as organisation
from domain.organisation.ports import SchoolFilter
from domain.outcomes import destination_service as destinations
from domain.outcomes.ports import DestinationFilter
from domain.pupils import pupil_service as pupils
from domain.pupils.ports import PupilFilter
from domain.targets import outcome_target_service as outcomes
from domain.targets import target as tm
from domain.targets import target_service as targets
from domain.targets.ports import OutcomeTargetFilter, TargetFilter


@strawberry.type
class Me:
    subject: str
    name: str
    role: str
    school_ids: list[uuid.UUID]
    trust_ids: list[uuid.UUID]
    permissions: list[str]
    pseudonymised: bool


@strawberry.type
class Query(AnalyticsQuery, ReportQuery):
    @strawberry.field(description="who this token speaks for and what it can reach")
    def me(self, info: Ctx) -> Me:
        p = info.context.principal
        return Me(
            subject=p.subject,
            name=p.display_name,
            role=p.role.value,
            school_ids=sorted(p.school_ids),
            trust_ids=sorted(p.trust_ids),
            permissions=sorted(x.value for x in p.permissions),
            pseudonymised=p.pseudonymised,
        )

    @strawberry.field
    async def trusts(
        self, info: Ctx, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> Connection[Trust]:
        page = await organisation.list_trusts(
            info.context.uow(), info.context.principal, page_request(first, after)
        )
        return connection(page, [Trust.of(t) for t in page.items])

    @strawberry.field
    async def trust(self, info: Ctx, id: uuid.UUID) -> Trust:
        return Trust.of(
            await organisation.get_trust(info.context.uow(), info.context.principal, id)
        )

    @strawberry.field
    async def schools(
        self,
        info: Ctx,
        trust_id: uuid.UUID | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[School]:
        page = await organisation.list_schools(
            info.context.uow(),
            info.context.principal,
            SchoolFilter(trust_id),
            page_request(first, after),
        )
        return connection(page, [School.of(s) for s in page.items])

    @strawberry.field
    async def school(self, info: Ctx, id: uuid.UUID) -> School:
        return School.of(
            await organisation.get_school(info.context.uow(), info.context.principal, id)
        )

    @strawberry.field
    async def pupil(self, info: Ctx, id: uuid.UUID) -> Pupil:
        ctx = info.context
        return Pupil.of(
            await pupils.get_pupil(ctx.uow(), ctx.principal, id, ctx.runtime.pseudonymiser)
        )

    @strawberry.field
    async def pupils(
        self,
        info: Ctx,
        school_id: uuid.UUID | None = None,
        year_group: str | None = None,
        pathway: str | None = None,
        on_roll_on: date | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[Pupil]:
        ctx = info.context
        filter = PupilFilter(school_id, year_group, pathway, on_roll_on)
        page = await pupils.list_pupils(
            ctx.uow(), ctx.principal, filter, page_request(first, after), ctx.runtime.pseudonymiser
        )
        return connection(page, [Pupil.of(p) for p in page.items])

    @strawberry.field
    async def framework(self, info: Ctx, id: uuid.UUID) -> Framework:
        return Framework.of(
            await frameworks.get_framework(info.context.uow(), info.context.principal, id)
        )

    @strawberry.field
    async def frameworks(
        self,
        info: Ctx,
        school_id: uuid.UUID | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[Framework]:
        page = await frameworks.list_frameworks(
            info.context.uow(),
            info.context.principal,
            FrameworkFilter(school_id=school_id),
            page_request(first, after),
        )
        return connection(page, [Framework.of(f) for f in page.items])

    @strawberry.field
    async def module(self, info: Ctx, id: uuid.UUID) -> Module:
        return Module.of(await modules.get_module(info.context.uow(), info.context.principal, id))

    @strawberry.field
    async def modules(
        self,
        info: Ctx,
        school_id: uuid.UUID | None = None,
        academic_year: str | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[Module]:
        page = await modules.list_modules(
            info.context.uow(),
            info.context.principal,
            ModuleFilter(school_id, AcademicYear.parse_given(academic_year)),
            page_request(first, after),
        )
        return connection(page, [Module.of(m) for m in page.items])

    @strawberry.field
    async def judgement(self, info: Ctx, id: uuid.UUID) -> Judgement:
        return Judgement.of(
            await judgements.get_judgement(info.context.uow(), info.context.principal, id)
        )

    @strawberry.field
    async def judgements(
        self,
        info: Ctx,
        school_id: uuid.UUID | None = None,
        pupil_id: uuid.UUID | None = None,
        strand_id: uuid.UUID | None = None,
        module_id: uuid.UUID | None = None,
        kind: jm.JudgementKind | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[Judgement]:
        filter = JudgementFilter(school_id, pupil_id, strand_id, module_id, kind)
        page = await judgements.list_judgements(
            info.context.uow(), info.context.principal, filter, page_request(first, after)
        )
        return connection(page, [Judgement.of(j) for j in page.items])

    @strawberry.field
    async def target(self, info: Ctx, id: uuid.UUID) -> Target:
        return Target.of(await targets.get_target(info.context.uow(), info.context.principal, id))

    @strawberry.field
    async def targets(
        self,
        info: Ctx,
        school_id: uuid.UUID | None = None,
        pupil_id: uuid.UUID | None = None,
        strand_id: uuid.UUID | None = None,
        academic_year: str | None = None,
        status: tm.TargetStatus | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[Target]:
        filter = TargetFilter(
            school_id,
            pupil_id,
            strand_id,
            AcademicYear.parse_given(academic_year),
            status,
        )
        page = await targets.list_targets(
            info.context.uow(), info.context.principal, filter, page_request(first, after)
        )
        return connection(page, [Target.of(t) for t in page.items])

    @strawberry.field
    async def outcome_targets(
        self,
        info: Ctx,
        school_id: uuid.UUID | None = None,
        pupil_id: uuid.UUID | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[OutcomeTarget]:
        page = await outcomes.list_outcome_targets(
            info.context.uow(),
            info.context.principal,
            OutcomeTargetFilter(school_id, pupil_id),
            page_request(first, after),
        )
        return connection(page, [OutcomeTarget.of(o) for o in page.items])

    @strawberry.field
    async def destinations(
        self,
        info: Ctx,
        school_id: uuid.UUID | None = None,
        pupil_id: uuid.UUID | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[Destination]:
        page = await destinations.list_destinations(
            info.context.uow(),
            info.context.principal,
            DestinationFilter(school_id, pupil_id),
            page_request(first, after),
        )
        return connection(page, [Destination.of(d) for d in page.items])
