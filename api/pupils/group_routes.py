"""/groups and /group-memberships: a school's classes, teaching and intervention groups, the
staff who teach them and pupils' dated memberships; and the same in GraphQL (`groups`,
`group`, `groupMemberships`), through the same use cases."""

import uuid
from datetime import date
from typing import Any

import strawberry
from fastapi import APIRouter, Request, Response, status

from api.dependencies import IfMatch, PageDep, PrincipalDep, UowDep
from api.graphql.context import Ctx, QueryFields
from api.graphql.cost import Bound, ListBound
from api.graphql.paging import DEFAULT_FIRST, Connection, connection, page_request
from api.graphql.shapes import graphql_type
from api.http import set_etag
from api.pupils.group_schemas import (
    GroupIn,
    GroupMembershipOut,
    GroupPatch,
    MembershipIn,
    MembershipPatch,
    TeachingGroupOut,
)
from api.schemas import PageOut, page_out
from domain.kernel.calendar import AcademicYear
from domain.pupils import group_service as service
from domain.pupils.group import MAX_STAFF, GroupKind
from domain.pupils.ports import GroupFilter, MembershipFilter

groups = APIRouter(prefix="/groups", tags=["groups"])
memberships = APIRouter(prefix="/group-memberships", tags=["groups"])


@groups.get("")
async def list_groups(
    request: Request,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    page: PageDep,
    school_id: uuid.UUID | None = None,
    academic_year: str | None = None,
    kind: GroupKind | None = None,
    staff_id: uuid.UUID | None = None,
    pupil_id: uuid.UUID | None = None,
    on: date | None = None,
) -> PageOut[TeachingGroupOut]:
    """Groups of a school, a year or a kind; a teacher's (`staff_id`); a pupil's (`pupil_id`,
    on the day `on` if given)."""
    filter = GroupFilter(
        school_id, AcademicYear.parse_given(academic_year), kind, staff_id, pupil_id, on
    )
    result = await service.list_groups(uow, principal, filter, page)
    return page_out(result, [TeachingGroupOut.of(g) for g in result.items], request, response)


@groups.post("", status_code=status.HTTP_201_CREATED)
async def create_group(
    body: GroupIn, response: Response, uow: UowDep, principal: PrincipalDep
) -> TeachingGroupOut:
    group = await service.create_group(uow, principal, service.CreateGroup(**body.model_dump()))
    set_etag(response, group.version)
    response.headers["Location"] = f"/api/v1/groups/{group.id}"
    return TeachingGroupOut.of(group)


@groups.get("/{group_id}")
async def get_group(
    group_id: uuid.UUID, response: Response, uow: UowDep, principal: PrincipalDep
) -> TeachingGroupOut:
    group = await service.get_group(uow, principal, group_id)
    set_etag(response, group.version)
    return TeachingGroupOut.of(group)


@groups.patch("/{group_id}")
async def update_group(
    group_id: uuid.UUID,
    body: GroupPatch,
    version: IfMatch,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
) -> TeachingGroupOut:
    cmd = service.UpdateGroup(group_id, version, **body.changes())
    group = await service.update_group(uow, principal, cmd)
    set_etag(response, group.version)
    return TeachingGroupOut.of(group)


@groups.delete("/{group_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_group(
    group_id: uuid.UUID, version: IfMatch, uow: UowDep, principal: PrincipalDep
) -> None:
    """Only a group nobody was ever in (409 otherwise): end its memberships instead."""
    await service.delete_group(uow, principal, group_id, version)


@memberships.get("")
async def list_memberships(
    request: Request,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    page: PageDep,
    school_id: uuid.UUID | None = None,
    group_id: uuid.UUID | None = None,
    pupil_id: uuid.UUID | None = None,
    on: date | None = None,
) -> PageOut[GroupMembershipOut]:
    """A group's pupils or a pupil's groups; with `on`, only the memberships covering it."""
    filter = MembershipFilter(school_id, group_id, pupil_id, on)
    result = await service.list_memberships(uow, principal, filter, page)
    return page_out(result, [GroupMembershipOut.of(m) for m in result.items], request, response)


@memberships.post("", status_code=status.HTTP_201_CREATED)
async def add_member(
    body: MembershipIn, response: Response, uow: UowDep, principal: PrincipalDep
) -> GroupMembershipOut:
    membership = await service.add_member(uow, principal, service.AddMember(**body.model_dump()))
    set_etag(response, membership.version)
    response.headers["Location"] = f"/api/v1/group-memberships/{membership.id}"
    return GroupMembershipOut.of(membership)


@memberships.get("/{membership_id}")
async def get_membership(
    membership_id: uuid.UUID, response: Response, uow: UowDep, principal: PrincipalDep
) -> GroupMembershipOut:
    membership = await service.get_membership(uow, principal, membership_id)
    set_etag(response, membership.version)
    return GroupMembershipOut.of(membership)


@memberships.patch("/{membership_id}")
async def update_membership(
    membership_id: uuid.UUID,
    body: MembershipPatch,
    version: IfMatch,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
) -> GroupMembershipOut:
    """Set `ends_on` when a pupil leaves the group; the membership stays as their history."""
    cmd = service.UpdateMembership(membership_id, version, **body.changes())
    membership = await service.update_membership(uow, principal, cmd)
    set_etag(response, membership.version)
    return GroupMembershipOut.of(membership)


@memberships.delete("/{membership_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_membership(
    membership_id: uuid.UUID, version: IfMatch, uow: UowDep, principal: PrincipalDep
) -> None:
    """For a membership made in error."""
    await service.remove_membership(uow, principal, membership_id, version)


# --- GraphQL -----------------------------------------------------------------------------

Group: Any = graphql_type(TeachingGroupOut)
GroupMembership: Any = graphql_type(GroupMembershipOut)


@strawberry.type
class GroupQuery:
    @strawberry.field(description="a school's groups; a teacher's or a pupil's")
    async def groups(
        self,
        info: Ctx,
        school_id: uuid.UUID | None = None,
        academic_year: str | None = None,
        kind: GroupKind | None = None,
        staff_id: uuid.UUID | None = None,
        pupil_id: uuid.UUID | None = None,
        on: date | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[Group]:
        filter = GroupFilter(
            school_id, AcademicYear.parse_given(academic_year), kind, staff_id, pupil_id, on
        )
        context = info.context
        page = await service.list_groups(
            context.uow(), context.principal, filter, page_request(first, after)
        )
        return connection(page, [Group.from_pydantic(TeachingGroupOut.of(g)) for g in page.items])

    @strawberry.field
    async def group(self, info: Ctx, id: uuid.UUID) -> Group:
        group = await service.get_group(info.context.uow(), info.context.principal, id)
        return Group.from_pydantic(TeachingGroupOut.of(group))

    @strawberry.field(description="a group's pupils or a pupil's groups, on a day if given")
    async def group_memberships(
        self,
        info: Ctx,
        school_id: uuid.UUID | None = None,
        group_id: uuid.UUID | None = None,
        pupil_id: uuid.UUID | None = None,
        on: date | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[GroupMembership]:
        filter = MembershipFilter(school_id, group_id, pupil_id, on)
        context = info.context
        page = await service.list_memberships(
            context.uow(), context.principal, filter, page_request(first, after)
        )
        items = [GroupMembership.from_pydantic(GroupMembershipOut.of(m)) for m in page.items]
        return connection(page, items)


GROUP_FIELDS = QueryFields(
    GroupQuery,
    bounds={("Group", "staffIds"): ListBound(Bound.SMALL, MAX_STAFF, "domain.group.MAX_STAFF")},
)
