"""Users and integration clients. Identity tables are read before a scope exists (sign-in)."""

import uuid

from sqlalchemy import ColumnElement, and_, func, insert, or_, update
from sqlmodel import col, select

from domain.identity.identity import IntegrationClient, User
from domain.kernel.paging import Page, PageRequest
from persistence.identity.account_notices import announce
from persistence.identity.mapping import CLIENTS, USERS
from persistence.identity.tables import IntegrationClientRow, UserRow
from persistence.repository import ScopedRepository, fetch_page, versioned_update


class SqlUserRepository(ScopedRepository):
    async def get(self, user_id: uuid.UUID) -> User | None:
        row = await self.session.get(UserRow, user_id)
        return USERS.entity(row) if row else None

    async def by_email(self, email: str) -> User | None:
        stmt = select(UserRow).where(UserRow.email == email.strip().lower())
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return USERS.entity(row) if row else None

    async def add(self, user: User) -> None:
        await self.session.execute(insert(UserRow).values(**USERS.values(user)))

    async def update(self, user: User, previous_version: int) -> None:
        await versioned_update(
            self.session,
            UserRow,
            [col(UserRow.id) == user.id],
            previous_version,
            USERS.values(user),
            "user",
        )
        await announce(self.session, "user", str(user.id))

    async def matching(
        self, school_ids: frozenset[uuid.UUID] | None, trust_id: uuid.UUID | None, page: PageRequest
    ) -> Page[User]:
        stmt = select(UserRow)
        if school_ids is not None:
            visible: list[ColumnElement[bool]] = [
                col(UserRow.school_ids).op("&&")(sorted(school_ids))
            ]
            if trust_id is not None:
                visible.append(col(UserRow.trust_id) == trust_id)
            stmt = stmt.where(or_(*visible))
        rows, after = await fetch_page(self.session, stmt, UserRow.id, page)
        return Page([USERS.entity(r) for r in rows], after)


class SqlClientRepository(ScopedRepository):
    async def by_client_id(self, client_id: str) -> IntegrationClient | None:
        stmt = select(IntegrationClientRow).where(IntegrationClientRow.client_id == client_id)
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        return CLIENTS.entity(row) if row else None

    async def add(self, client: IntegrationClient) -> None:
        await self.session.execute(insert(IntegrationClientRow).values(**CLIENTS.values(client)))

    async def mark_used(self, client: IntegrationClient) -> None:
        await self.session.execute(
            update(IntegrationClientRow)
            .where(col(IntegrationClientRow.id) == client.id)
            .values(last_used_at=func.now())
        )

    async def get(self, client_key: uuid.UUID) -> IntegrationClient | None:
        row = await self.session.get(IntegrationClientRow, client_key)
        return CLIENTS.entity(row) if row else None

    async def matching(
        self, school_ids: frozenset[uuid.UUID] | None, trust_id: uuid.UUID | None, page: PageRequest
    ) -> Page[IntegrationClient]:
        stmt = select(IntegrationClientRow)
        if school_ids is not None:
            # a school-scoped client is someone's only if all its schools are theirs
            visible: list[ColumnElement[bool]] = [
                and_(
                    col(IntegrationClientRow.trust_id).is_(None),
                    col(IntegrationClientRow.school_ids).op("<@")(sorted(school_ids)),
                )
            ]
            if trust_id is not None:
                visible.append(col(IntegrationClientRow.trust_id) == trust_id)
            stmt = stmt.where(or_(*visible))
        rows, after = await fetch_page(self.session, stmt, IntegrationClientRow.id, page)
        return Page([CLIENTS.entity(r) for r in rows], after)

    async def revoke(self, client: IntegrationClient) -> None:
        """Stamp the revocation once; a second revoke keeps the first time."""
        await self.session.execute(
            update(IntegrationClientRow)
            .where(
                col(IntegrationClientRow.id) == client.id,
                col(IntegrationClientRow.revoked_at).is_(None),
            )
            .values(revoked_at=client.revoked_at)
        )
        await announce(self.session, "client", client.client_id)
