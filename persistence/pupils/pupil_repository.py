"""Pupils with their characteristics and enrolments (replaced as a set on update)."""

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, exists, insert
from sqlmodel import col, select

from domain.kernel.paging import Page, PageRequest
from domain.pupils.ports import PupilFilter
from domain.pupils.pupil import Pupil
from persistence.pupils.mapping import PUPILS, child_values, pupil_from_rows
from persistence.pupils.tables import CharacteristicRow, EnrolmentRow, PupilRow
from persistence.repository import ScopedRepository, fetch_page, versioned_update


class SqlPupilRepository(ScopedRepository):
    def _visible(self, include_deleted: bool = False) -> list[ColumnElement[bool]]:
        clauses = [self.scope.schools(PupilRow.school_id)]
        if not include_deleted:
            clauses.append(col(PupilRow.deleted_at).is_(None))
        return clauses

    async def _hydrate(self, rows: Sequence[PupilRow]) -> list[Pupil]:
        """Attach characteristics and enrolments with one query each for the whole batch."""
        if not rows:
            return []
        ids = [r.id for r in rows]
        school_ids = sorted({r.school_id for r in rows})
        chars: dict[uuid.UUID, list[CharacteristicRow]] = defaultdict(list)
        enrols: dict[uuid.UUID, list[EnrolmentRow]] = defaultdict(list)
        for c in (
            await self.session.execute(
                select(CharacteristicRow).where(
                    col(CharacteristicRow.school_id).in_(school_ids),
                    col(CharacteristicRow.pupil_id).in_(ids),
                )
            )
        ).scalars():
            chars[c.pupil_id].append(c)
        for e in (
            await self.session.execute(
                select(EnrolmentRow).where(
                    col(EnrolmentRow.school_id).in_(school_ids), col(EnrolmentRow.pupil_id).in_(ids)
                )
            )
        ).scalars():
            enrols[e.pupil_id].append(e)
        return [pupil_from_rows(r, chars[r.id], enrols[r.id]) for r in rows]

    async def get(self, pupil_id: uuid.UUID, include_deleted: bool = False) -> Pupil | None:
        stmt = select(PupilRow).where(PupilRow.id == pupil_id, *self._visible(include_deleted))
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return (await self._hydrate([row]))[0] if row else None

    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[Pupil]:
        stmt = select(PupilRow).where(
            col(PupilRow.id).in_(ids), *self._visible(include_deleted=True)
        )
        return await self._hydrate((await self.session.execute(stmt)).scalars().all())

    async def for_schools(self, school_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Pupil]]:
        stmt = (
            select(PupilRow)
            .where(col(PupilRow.school_id).in_(school_ids), *self._visible())
            .order_by(col(PupilRow.surname), col(PupilRow.forename), col(PupilRow.id))
        )
        grouped: dict[uuid.UUID, list[Pupil]] = {sid: [] for sid in school_ids}
        for pupil in await self._hydrate((await self.session.execute(stmt)).scalars().all()):
            grouped[pupil.school_id].append(pupil)
        return grouped

    async def add(self, pupil: Pupil) -> None:
        await self.session.execute(insert(PupilRow).values(**PUPILS.values(pupil)))
        await self._write_children(pupil)

    async def update(self, pupil: Pupil, previous_version: int) -> None:
        await versioned_update(
            self.session,
            PupilRow,
            [col(PupilRow.school_id) == pupil.school_id, col(PupilRow.id) == pupil.id],
            previous_version,
            PUPILS.values(pupil),
            "pupil",
        )
        for table in (CharacteristicRow, EnrolmentRow):
            await self.session.execute(
                delete(table).where(
                    col(table.school_id) == pupil.school_id, col(table.pupil_id) == pupil.id
                )
            )
        await self._write_children(pupil)

    async def _write_children(self, pupil: Pupil) -> None:
        characteristics, enrolments = child_values(pupil)
        if characteristics:
            await self.session.execute(insert(CharacteristicRow), characteristics)
        if enrolments:
            await self.session.execute(insert(EnrolmentRow), enrolments)

    async def matching(self, filter: PupilFilter, page: PageRequest) -> Page[Pupil]:
        stmt = select(PupilRow).where(*self._visible(filter.include_deleted))
        if filter.school_id is not None:
            stmt = stmt.where(PupilRow.school_id == filter.school_id)
        if filter.year_group is not None:
            stmt = stmt.where(PupilRow.year_group == filter.year_group)
        if filter.pathway is not None:
            stmt = stmt.where(PupilRow.pathway == filter.pathway)
        if filter.upn is not None:
            stmt = stmt.where(PupilRow.upn == filter.upn.strip().upper())
        if filter.mis_id is not None:
            stmt = stmt.where(PupilRow.mis_id == filter.mis_id.strip())
        if filter.on_roll_on is not None:
            day = filter.on_roll_on
            stmt = stmt.where(
                exists().where(
                    col(EnrolmentRow.school_id) == PupilRow.school_id,
                    col(EnrolmentRow.pupil_id) == PupilRow.id,
                    col(EnrolmentRow.joined_on) <= day,
                    col(EnrolmentRow.left_on).is_(None) | (col(EnrolmentRow.left_on) >= day),
                )
            )
        rows, after = await fetch_page(self.session, stmt, PupilRow.id, page)
        return Page(await self._hydrate(rows), after)
