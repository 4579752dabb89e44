"""Use cases for teaching groups and their pupils' memberships, the memberships' import from an
MIS class list, and the two kinds of record they make (domain.integration.records).

Groups and memberships are roster data: school admins, teachers and MIS syncs with the roster
permission write them; whoever reads the roster reads them.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple, Protocol

from domain.identity.identity import User
from domain.identity.ports import HasUsers
from domain.integration.audit import AuditedTable
from domain.integration.import_fields import (
    FirstLines,
    PupilIndex,
    RecordChange,
    RowErrors,
    add_problems,
    read_date,
    value_key,
)
from domain.integration.import_resource import ImportResource, ImportSetup, WriteThrough
from domain.integration.imports import RowError
from domain.integration.records import RecordKind
from domain.kernel.access import Permission, Principal
from domain.kernel.calendar import AcademicYear
from domain.kernel.errors import Conflict, InvariantViolation, invalid
from domain.kernel.ids import new_id
from domain.kernel.paging import Page, PageRequest, every_page
from domain.kernel.references import check_version, found
from domain.kernel.transaction import Transaction
from domain.kernel.unset import UNSET, Unset, given
from domain.organisation.organisation import School
from domain.organisation.ports import HasSchools
from domain.pupils.group import GroupKind, Membership, TeachingGroup
from domain.pupils.ports import (
    GroupFilter,
    GroupRepository,
    HasGroups,
    HasPupils,
    MembershipFilter,
)
from domain.pupils.references import referenced_pupil, require_filter_scope


class GroupWork(HasGroups, HasPupils, HasSchools, HasUsers, Transaction, Protocol):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class CreateGroup:
    school_id: uuid.UUID
    name: str
    kind: GroupKind
    academic_year: str
    staff_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class UpdateGroup:
    group_id: uuid.UUID
    expected_version: int | None
    name: str | Unset = UNSET
    kind: GroupKind | Unset = UNSET
    staff_ids: frozenset[uuid.UUID] | Unset = UNSET


@dataclass(frozen=True, slots=True)
class AddMember:
    group_id: uuid.UUID
    pupil_id: uuid.UUID
    starts_on: date
    ends_on: date | None = None


@dataclass(frozen=True, slots=True)
class UpdateMembership:
    membership_id: uuid.UUID
    expected_version: int | None
    starts_on: date | Unset = UNSET
    ends_on: date | Unset | None = UNSET


def _works_at(user: User, school_id: uuid.UUID, trust_id: uuid.UUID | None) -> bool:
    return school_id in user.school_ids or (user.trust_id is not None and user.trust_id == trust_id)


async def _checked_staff(uow: GroupWork, school: School, staff_ids: frozenset[uuid.UUID]) -> None:
    """Each staff id is an active account that works in the group's school."""
    for staff_id in sorted(staff_ids):
        user = await uow.users.get(staff_id)
        if user is None or not user.active or not _works_at(user, school.id, school.trust_id):
            reason = f"{staff_id} is no active staff account of the school"
            raise invalid("staff_ids", reason, "reference")


async def create_group(uow: GroupWork, actor: Principal, cmd: CreateGroup) -> TeachingGroup:
    actor.require(Permission.WRITE_ROSTER, cmd.school_id)
    group = TeachingGroup(
        id=new_id(),
        school_id=cmd.school_id,
        name=cmd.name.strip(),
        kind=cmd.kind,
        academic_year=AcademicYear.parse(cmd.academic_year),
        staff_ids=cmd.staff_ids,
    )
    if problems := group.problems():
        raise InvariantViolation(problems)
    async with uow:
        school = found(await uow.schools.get(cmd.school_id), "school", cmd.school_id)
        await _checked_staff(uow, school, group.staff_ids)
        await uow.groups.add(group)
        await uow.commit()
    return group


async def get_group(uow: GroupWork, actor: Principal, group_id: uuid.UUID) -> TeachingGroup:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return found(await uow.groups.get(group_id), "group", group_id)


async def list_groups(
    uow: GroupWork, actor: Principal, filter: GroupFilter, page: PageRequest
) -> Page[TeachingGroup]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        await require_filter_scope(uow, actor, school_id=filter.school_id, pupil_id=filter.pupil_id)
        return await uow.groups.matching(filter, page)


async def update_group(uow: GroupWork, actor: Principal, cmd: UpdateGroup) -> TeachingGroup:
    async with uow:
        group = found(await uow.groups.get(cmd.group_id), "group", cmd.group_id)
        actor.require(Permission.WRITE_ROSTER, group.school_id)
        check_version("group", group.version, cmd.expected_version)
        changed = replace(
            group,
            name=given(cmd.name, group.name).strip(),
            kind=given(cmd.kind, group.kind),
            staff_ids=given(cmd.staff_ids, group.staff_ids),
            version=group.version + 1,
        )
        if problems := changed.problems():
            raise InvariantViolation(problems)
        if changed.staff_ids != group.staff_ids:
            school = found(await uow.schools.get(group.school_id), "school", group.school_id)
            await _checked_staff(uow, school, changed.staff_ids - group.staff_ids)
        await uow.groups.update(changed, group.version)
        await uow.commit()
    return changed


async def delete_group(
    uow: GroupWork, actor: Principal, group_id: uuid.UUID, expected_version: int | None
) -> None:
    """Only a group nobody was ever in: memberships are the pupils' history."""
    async with uow:
        group = found(await uow.groups.get(group_id), "group", group_id)
        actor.require(Permission.WRITE_ROSTER, group.school_id)
        check_version("group", group.version, expected_version)
        members = await uow.groups.memberships(MembershipFilter(group_id=group.id), PageRequest(1))
        if members.items:
            raise Conflict("the group has memberships: end them instead of deleting the group")
        await uow.groups.delete(group)
        await uow.commit()


async def _group_of(uow: GroupWork, group_id: uuid.UUID, actor: Principal) -> TeachingGroup:
    group = await uow.groups.get(group_id)
    if group is None or not actor.can_see(group.school_id):
        raise invalid("group_id", "no such group", "reference")
    return group


async def _no_overlap(uow: GroupWork, membership: Membership) -> None:
    """One pupil is in one group once on any day."""
    same = await every_page(
        lambda page: uow.groups.memberships(
            MembershipFilter(group_id=membership.group_id, pupil_id=membership.pupil_id), page
        )
    )
    if any(m.id != membership.id and m.overlaps(membership) for m in same):
        raise Conflict("the pupil is already in this group on some of these days")


async def add_member(uow: GroupWork, actor: Principal, cmd: AddMember) -> Membership:
    async with uow:
        group = await _group_of(uow, cmd.group_id, actor)
        actor.require(Permission.WRITE_ROSTER, group.school_id)
        pupil = await referenced_pupil(uow, cmd.pupil_id, actor)
        if pupil.school_id != group.school_id:
            raise invalid("pupil_id", "the pupil is not at the group's school", "reference")
        membership = Membership(
            id=new_id(),
            school_id=group.school_id,
            group_id=group.id,
            pupil_id=pupil.id,
            starts_on=cmd.starts_on,
            ends_on=cmd.ends_on,
        )
        if problems := membership.problems(group.academic_year):
            raise InvariantViolation(problems)
        await _no_overlap(uow, membership)
        await uow.groups.add_membership(membership)
        await uow.commit()
    return membership


async def get_membership(uow: GroupWork, actor: Principal, membership_id: uuid.UUID) -> Membership:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return found(await uow.groups.membership(membership_id), "membership", membership_id)


async def list_memberships(
    uow: GroupWork, actor: Principal, filter: MembershipFilter, page: PageRequest
) -> Page[Membership]:
    actor.require(Permission.READ_ROSTER)
    async with uow:
        await require_filter_scope(uow, actor, school_id=filter.school_id, pupil_id=filter.pupil_id)
        if filter.group_id is not None:
            found(await uow.groups.get(filter.group_id), "group", filter.group_id)
        return await uow.groups.memberships(filter, page)


async def update_membership(uow: GroupWork, actor: Principal, cmd: UpdateMembership) -> Membership:
    """Moving a start or an end: ending a membership is setting `ends_on`."""
    async with uow:
        membership = found(
            await uow.groups.membership(cmd.membership_id), "membership", cmd.membership_id
        )
        actor.require(Permission.WRITE_ROSTER, membership.school_id)
        check_version("membership", membership.version, cmd.expected_version)
        group = found(await uow.groups.get(membership.group_id), "group", membership.group_id)
        changed = replace(
            membership,
            starts_on=given(cmd.starts_on, membership.starts_on),
            ends_on=given(cmd.ends_on, membership.ends_on),
            version=membership.version + 1,
        )
        if problems := changed.problems(group.academic_year):
            raise InvariantViolation(problems)
        await _no_overlap(uow, changed)
        await uow.groups.update_membership(changed, membership.version)
        await uow.commit()
    return changed


async def remove_membership(
    uow: GroupWork, actor: Principal, membership_id: uuid.UUID, expected_version: int | None
) -> None:
    """For a membership made in error; a pupil who leaves a group has `ends_on` set."""
    async with uow:
        membership = found(await uow.groups.membership(membership_id), "membership", membership_id)
        actor.require(Permission.WRITE_ROSTER, membership.school_id)
        check_version("membership", membership.version, expected_version)
        await uow.groups.delete_membership(membership)
        await uow.commit()


# --- the class-list import ----------------------------------------------------------------

#: field -> headings MIS class lists use for it (docs/imports.md)
MEMBERSHIP_COLUMNS: dict[str, tuple[str, ...]] = {
    "upn": ("UPN", "Unique Pupil Number"),
    "mis_id": ("MIS ID", "Admission No", "Adno", "Admission Number", "Pupil ID", "External ID"),
    "group": ("Group", "Class", "Teaching Group", "Group Name", "Class Name", "Set"),
    "kind": ("Kind", "Group Type", "Group Kind"),
    "academic_year": ("Academic Year", "Year"),
    "starts_on": ("Starts On", "Start Date", "From", "Joined Group"),
    "ends_on": ("Ends On", "End Date", "To", "Left Group"),
}
REQUIRED_MEMBERSHIP_COLUMNS = ("group", "academic_year")

_KINDS = {
    **{k.value: k for k in GroupKind},
    "teaching_group": GroupKind.TEACHING,
    "set": GroupKind.TEACHING,
    "intervention_group": GroupKind.INTERVENTION,
}


class MembershipChange(RecordChange[Membership]):
    """A checked row of a class list: the pupil's membership of the group as stored (None if
    new) and as the row makes it."""


class ClassList:
    """A class list: each row puts a pupil in a group from a day (the year's first day when
    blank); the group is made if the school has none of that name in that year. A pupil's
    membership of a group is matched by pupil and group, and its dates updated."""

    def __init__(
        self,
        school_id: uuid.UUID,
        index: PupilIndex,
        groups: Sequence[TeachingGroup],
        memberships: Sequence[Membership],
    ) -> None:
        self.school_id = school_id
        self.index = index
        self.groups = {(g.academic_year.label, value_key(g.name)): g for g in groups}
        self.stored = {
            (m.group_id, m.pupil_id): m for m in sorted(memberships, key=lambda m: m.starts_on)
        }
        self.seen = FirstLines("pupil and group", "group")
        #: groups this file names that the school does not have yet, by id: made with their
        #: first accepted row (a group only rejected rows name is never made)
        self.unsaved: dict[uuid.UUID, TeachingGroup] = {}

    def check(self, line: int, row: Mapping[str, str]) -> MembershipChange | list[RowError]:
        error = RowErrors(line)
        pupil_id = self.index.find(row, error)
        name = row.get("group", "").strip()
        if not name:
            error("group", "give the group's name", "required")
        year: AcademicYear | None = None
        try:
            year = AcademicYear.parse(row.get("academic_year", "").strip())
        except InvariantViolation as refused:
            add_problems(refused.problems, error, lambda field: "academic_year")
        kind_text = row.get("kind", "").strip()
        kind = _KINDS.get(value_key(kind_text)) if kind_text else GroupKind.CLASS
        if kind is None:
            error("kind", f"{kind_text!r} is not class, teaching or intervention", "one_of")
        starts_on, ends_on = read_date(row, "starts_on", error), read_date(row, "ends_on", error)
        if error.found or pupil_id is None or year is None or kind is None:
            return error.found
        group = self.groups.get((year.label, value_key(name)))
        if group is None:
            group = TeachingGroup(new_id(), self.school_id, name, kind, year)
            if problems := group.problems():
                add_problems(problems, error, lambda field: "group")
                return error.found
            self.groups[(year.label, value_key(name))] = group
            self.unsaved[group.id] = group
        before = self.stored.get((group.id, pupil_id))
        after = Membership(
            id=before.id if before else new_id(),
            school_id=self.school_id,
            group_id=group.id,
            pupil_id=pupil_id,
            starts_on=starts_on or (before.starts_on if before else year.starts_on),
            ends_on=ends_on if "ends_on" in row else (before.ends_on if before else None),
            version=before.version + 1 if before else 1,
        )
        add_problems(after.problems(year), error, lambda field: field)
        if error.found:
            return error.found
        if repeated := self.seen.repeated((group.id, pupil_id), line):
            return [repeated]
        return MembershipChange(line, before, after)


class _Memberships:
    """Memberships written through the group repository (WriteThrough's store): a membership
    of a group the school does not have yet writes the group first."""

    def __init__(self, groups: GroupRepository, unsaved: dict[uuid.UUID, TeachingGroup]) -> None:
        self.groups = groups
        self.unsaved = unsaved

    async def add(self, membership: Membership, /) -> None:
        if (group := self.unsaved.pop(membership.group_id, None)) is not None:
            await self.groups.add(group)
        await self.groups.add_membership(membership)

    async def update(self, membership: Membership, previous_version: int, /) -> None:
        await self.groups.update_membership(membership, previous_version)


async def _start_memberships(setup: ImportSetup) -> WriteThrough[MembershipChange]:
    uow, school_id = setup.uow, setup.school.id
    index = PupilIndex(await uow.imports.pupil_keys(school_id))
    groups = await every_page(
        lambda page: uow.groups.matching(GroupFilter(school_id=school_id), page)
    )
    memberships = await every_page(
        lambda page: uow.groups.memberships(MembershipFilter(school_id=school_id), page)
    )
    class_list = ClassList(school_id, index, groups, memberships)
    return WriteThrough(class_list.check, _Memberships(uow.groups, class_list.unsaved))


#: class lists are roster data: the same permission as POST /group-memberships
MEMBERSHIPS_IMPORT: ImportResource[MembershipChange] = ImportResource(
    "group_memberships",
    Permission.WRITE_ROSTER,
    MEMBERSHIP_COLUMNS,
    REQUIRED_MEMBERSHIP_COLUMNS,
    _start_memberships,
    audited_as="group_memberships",
    matched_by="pupil (UPN or MIS id) and group (name and academic year; made if new)",
    examples=(
        "UPN,Class,Academic Year,Start Date\nA123456789012,Oak,2024/25,2024-09-04\n",
        '{"upn": "A123456789012", "group": "Oak", "academic_year": "2024/25"}\n',
    ),
)


# --- the kinds of record (domain.integration.records) --------------------------------------


class GroupRecord(NamedTuple):
    name: str
    kind: str
    academic_year: str
    staff: int
    group_id: uuid.UUID
    school_id: uuid.UUID


class MembershipRecord(NamedTuple):
    upn: str | None
    mis_id: str | None
    group: str
    kind: str
    academic_year: str
    starts_on: date
    ends_on: date | None
    membership_id: uuid.UUID
    group_id: uuid.UUID
    stepwise_pupil_id: uuid.UUID
    school_id: uuid.UUID


#: groups come after pupils and before the memberships naming both, within one commit
GROUPS_KIND = RecordKind(name="groups", rank=12, export=GroupRecord, followed=True)
MEMBERSHIPS_KIND = RecordKind(
    name="group_memberships",
    rank=14,
    export=MembershipRecord,
    imports=MEMBERSHIPS_IMPORT,
    followed=True,
)
GROUPS_AUDITED = AuditedTable("teaching_groups")
MEMBERSHIPS_AUDITED = AuditedTable("group_memberships")
