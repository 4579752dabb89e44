"""Teaching groups and memberships: the repository, rows mapped by persistence.mapping, and the
two kinds of record as stored (persistence.records): export statements, the change feed's
loaders, and memberships as a pupil's data for subject access and erasure."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from domain.integration.exports import ExportFilter
from domain.kernel.calendar import AcademicYear
from domain.kernel.paging import Page, PageRequest
from domain.pupils.group import Membership, TeachingGroup
from domain.pupils.ports import GroupFilter, MembershipFilter
from persistence.mapping import RowMapping, columns_of
from persistence.pupils.tables import GroupMembershipRow, TeachingGroupRow
from persistence.records import PupilTable, StoredKind, rows_of
from persistence.repository import ScopedRepository, fetch_page, versioned_update
from persistence.scope import Scope

GROUPS = RowMapping(TeachingGroup, columns_of(TeachingGroupRow))
MEMBERSHIPS = RowMapping(Membership, columns_of(GroupMembershipRow))


class SqlGroupRepository(ScopedRepository):
    def _visible(self) -> ColumnElement[bool]:
        return self.scope.schools(TeachingGroupRow.school_id)

    async def get(self, group_id: uuid.UUID) -> TeachingGroup | None:
        found = await self.get_many([group_id])
        return found[0] if found else None

    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[TeachingGroup]:
        stmt = select(TeachingGroupRow).where(col(TeachingGroupRow.id).in_(ids), self._visible())
        return [GROUPS.entity(r) for r in (await self.session.execute(stmt)).scalars()]

    async def named(
        self, school_id: uuid.UUID, academic_year: AcademicYear, name: str
    ) -> TeachingGroup | None:
        stmt = select(TeachingGroupRow).where(
            self._visible(),
            col(TeachingGroupRow.school_id) == school_id,
            col(TeachingGroupRow.academic_year) == academic_year.label,
            col(TeachingGroupRow.name) == name,
        )
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return GROUPS.entity(row) if row else None

    async def add(self, group: TeachingGroup) -> None:
        await self.session.execute(insert(TeachingGroupRow).values(**GROUPS.values(group)))

    async def update(self, group: TeachingGroup, previous_version: int) -> None:
        where = [
            col(TeachingGroupRow.school_id) == group.school_id,
            col(TeachingGroupRow.id) == group.id,
        ]
        values = GROUPS.values(group)
        await versioned_update(
            self.session, TeachingGroupRow, where, previous_version, values, "group"
        )

    async def delete(self, group: TeachingGroup) -> None:
        await self.session.execute(
            delete(TeachingGroupRow).where(
                col(TeachingGroupRow.school_id) == group.school_id,
                col(TeachingGroupRow.id) == group.id,
            )
        )

    async def matching(self, filter: GroupFilter, page: PageRequest) -> Page[TeachingGroup]:
        row = TeachingGroupRow
        stmt = select(row).where(self._visible())
        if filter.school_id is not None:
            stmt = stmt.where(col(row.school_id) == filter.school_id)
        if filter.academic_year is not None:
            stmt = stmt.where(col(row.academic_year) == filter.academic_year.label)
        if filter.kind is not None:
            stmt = stmt.where(col(row.kind) == filter.kind.value)
        if filter.staff_id is not None:
            stmt = stmt.where(col(row.staff_ids).contains([filter.staff_id]))
        if filter.pupil_id is not None:
            member = GroupMembershipRow
            covering = [
                col(member.school_id) == row.school_id,
                col(member.group_id) == row.id,
                col(member.pupil_id) == filter.pupil_id,
            ]
            if filter.on is not None:
                covering.append(col(member.starts_on) <= filter.on)
                covering.append(col(member.ends_on).is_(None) | (col(member.ends_on) >= filter.on))
            stmt = stmt.where(exists().where(*covering))
        rows, after = await fetch_page(self.session, stmt, row.id, page)
        return Page([GROUPS.entity(r) for r in rows], after)

    async def membership(self, membership_id: uuid.UUID) -> Membership | None:
        stmt = select(GroupMembershipRow).where(
            col(GroupMembershipRow.id) == membership_id,
            self.scope.schools(GroupMembershipRow.school_id),
        )
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return MEMBERSHIPS.entity(row) if row else None

    async def memberships(self, filter: MembershipFilter, page: PageRequest) -> Page[Membership]:
        row = GroupMembershipRow
        stmt = select(row).where(self.scope.schools(row.school_id))
        if filter.school_id is not None:
            stmt = stmt.where(col(row.school_id) == filter.school_id)
        if filter.group_id is not None:
            stmt = stmt.where(col(row.group_id) == filter.group_id)
        if filter.pupil_id is not None:
            stmt = stmt.where(col(row.pupil_id) == filter.pupil_id)
        if filter.on is not None:
            stmt = stmt.where(
                col(row.starts_on) <= filter.on,
                col(row.ends_on).is_(None) | (col(row.ends_on) >= filter.on),
            )
        rows, after = await fetch_page(self.session, stmt, row.id, page)
        return Page([MEMBERSHIPS.entity(r) for r in rows], after)

    async def add_membership(self, membership: Membership) -> None:
        values = MEMBERSHIPS.values(membership)
        await self.session.execute(insert(GroupMembershipRow).values(**values))

    async def update_membership(self, membership: Membership, previous_version: int) -> None:
        where = [
            col(GroupMembershipRow.school_id) == membership.school_id,
            col(GroupMembershipRow.id) == membership.id,
        ]
        values = MEMBERSHIPS.values(membership)
        await versioned_update(
            self.session, GroupMembershipRow, where, previous_version, values, "membership"
        )

    async def delete_membership(self, membership: Membership) -> None:
        await self.session.execute(
            delete(GroupMembershipRow).where(
                col(GroupMembershipRow.school_id) == membership.school_id,
                col(GroupMembershipRow.id) == membership.id,
            )
        )


# --- the kinds of record as stored (persistence.records) -----------------------------------

_GROUPS = """
SELECT g.name, g.kind, g.academic_year, cardinality(g.staff_ids), g.id, g.school_id
FROM teaching_groups g
WHERE g.school_id = ANY(:schools) {where}
ORDER BY g.school_id, g.id
"""

_MEMBERSHIPS = """
SELECT p.upn, p.mis_id, g.name, g.kind, g.academic_year, m.starts_on, m.ends_on,
       m.id, m.group_id, m.pupil_id, m.school_id
FROM group_memberships m
JOIN teaching_groups g ON g.school_id = m.school_id AND g.id = m.group_id
JOIN pupils p ON p.school_id = m.school_id AND p.id = m.pupil_id
WHERE m.school_id = ANY(:schools) {where}
ORDER BY m.school_id, m.id
"""


def _group_conditions(f: ExportFilter) -> list[str]:
    """Groups of the academic year asked for (a group has no day of its own)."""
    return ["g.academic_year = :year"] if f.academic_year is not None else []


def _membership_conditions(f: ExportFilter) -> list[str]:
    """Memberships overlapping the window: since/until, and the academic year's group."""
    found = []
    if f.since is not None:
        found.append("(m.ends_on IS NULL OR m.ends_on >= :since)")
    if f.until is not None:
        found.append("m.starts_on <= :until")
    if f.academic_year is not None:
        found.append("g.academic_year = :year")
    return found


async def _load_groups(
    session: AsyncSession, scope: Scope, schools: list[uuid.UUID], ids: list[uuid.UUID]
) -> Sequence[Any]:
    return await SqlGroupRepository(session, scope).get_many(ids)


GROUPS_STORED = StoredKind(
    name="groups",
    table="teaching_groups",
    load=_load_groups,
    export=_GROUPS,
    conditions=_group_conditions,
)
MEMBERSHIPS_STORED = StoredKind(
    name="group_memberships",
    table="group_memberships",
    load=rows_of(GroupMembershipRow, MEMBERSHIPS),
    export=_MEMBERSHIPS,
    conditions=_membership_conditions,
)
#: a pupil's memberships are their data (subject access, erasure)
MEMBERSHIP_ROWS = PupilTable("group_memberships", order="starts_on, id")
