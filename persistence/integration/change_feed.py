"""The ChangeFeed port on PostgreSQL: commit positions, change_xid stamps and tombstones
(migration 0007 says how they are written).

A page reads a window of commits in position order and, for each resource, the rows and
tombstones those commits left, one index probe per commit and school on
(school_id, change_xid, id), each probe already in id order. Windows are sized so a page
does a bounded number of probes however far behind the reader is; a window with nothing
for the reader's schools just moves its position on.

Rows are read as they are now: a row changed again after the window carries the later
transaction and is left for the later commit, which is how the feed gives the latest
state of each row once. Upserted rows are loaded in a second statement; one deleted in
between is left out here, as its tombstone comes at the later commit.
"""

import functools
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import TextClause, text
from sqlmodel import select

from domain.integration.changes import (
    Change,
    ChangeAction,
    Changed,
    ChangePage,
    ChangeQuery,
    FeedPosition,
    feed_order,
    feed_rank,
)
from persistence.organisation.tables import SchoolRow
from persistence.records import stored_kinds
from persistence.repository import ScopedRepository

#: commit-school probes per window (each a descent of two small indexes per resource)
PROBES_PER_WINDOW = 4000
#: windows one request may read before answering, found something or not
WINDOWS_PER_PAGE = 4
NIL = uuid.UUID(int=0)


_WINDOW_END = text(
    "SELECT max(position), count(*) FROM ("
    " SELECT position FROM change_commits WHERE position >= :first"
    " ORDER BY position LIMIT :commits) w"
)
_LATEST = text("SELECT coalesce(max(position), 0) FROM change_commits")


@functools.cache
def _changes_of(resource: str) -> TextClause:
    """The resource's changes in commits first..last for the given schools, in (position,
    id) order; at commit `first`, only ids after `after_id`. Table names are constants of
    each kind's feature (persistence.records)."""
    stored = stored_kinds()[resource]
    table, gone = stored.table, stored.gone
    return text(
        f"""
        SELECT c.position, k.school_id, k.id, k.gone
        FROM change_commits c
        CROSS JOIN unnest(CAST(:schools AS uuid[])) AS s(school_id)
        CROSS JOIN LATERAL (
            (SELECT r.school_id, r.id, {gone} AS gone FROM {table} r
             WHERE r.school_id = s.school_id AND r.change_xid = c.xid
               AND r.id > CASE WHEN c.position = :first THEN CAST(:after_id AS uuid)
                               ELSE CAST(:nil AS uuid) END
             ORDER BY r.id LIMIT :n)
            UNION ALL
            (SELECT t.school_id, t.id, true FROM change_tombstones t
             WHERE t.school_id = s.school_id AND t.change_xid = c.xid
               AND t.resource = :resource
               AND t.id > CASE WHEN c.position = :first THEN CAST(:after_id AS uuid)
                               ELSE CAST(:nil AS uuid) END
               AND NOT EXISTS (
                   SELECT 1 FROM {table} r WHERE r.school_id = t.school_id AND r.id = t.id)
             ORDER BY t.id LIMIT :n)
        ) k
        WHERE c.position >= :first AND c.position <= :last
        ORDER BY c.position, k.id
        LIMIT :n
        """  # noqa: S608
    )


@dataclass(frozen=True, slots=True)
class _Key:
    position: int
    resource: str
    school_id: uuid.UUID
    id: uuid.UUID
    gone: bool

    @property
    def order(self) -> tuple[int, int, uuid.UUID]:
        return (self.position, feed_rank(self.resource), self.id)


class SqlChangeFeed(ScopedRepository):
    async def latest(self) -> FeedPosition:
        return FeedPosition.after_commit((await self.session.execute(_LATEST)).scalar_one())

    async def changes(self, query: ChangeQuery) -> ChangePage:
        schools = await self._schools(query.school_ids)
        resources = [r for r in feed_order() if r in query.resources]
        if not schools or not resources:
            return ChangePage([], query.after, has_more=False)
        per_window = max(1, PROBES_PER_WINDOW // len(schools))
        position, keys = query.after, list[_Key]()
        for _ in range(WINDOWS_PER_PAGE):
            first = position.commit if position.inside_commit else position.commit + 1
            last, commits = (
                await self.session.execute(_WINDOW_END, {"first": first, "commits": per_window})
            ).one()
            if last is None:
                return await self._page(keys, query, position, has_more=False)
            wanted = query.limit + 1 - len(keys)
            found = [
                key
                for resource in resources
                for key in await self._keys(resource, position, last, schools, wanted)
            ]
            keys += sorted(found, key=lambda k: k.order)[:wanted]
            if len(keys) > query.limit:
                keys = keys[: query.limit]
                last_key = keys[-1]
                here = FeedPosition.inside(last_key.position, last_key.resource, last_key.id)
                return await self._page(keys, query, here, has_more=True)
            position = FeedPosition.after_commit(last)
            if commits < per_window:
                return await self._page(keys, query, position, has_more=False)
        return await self._page(keys, query, position, has_more=True)

    async def _schools(self, wanted: frozenset[uuid.UUID] | None) -> list[uuid.UUID]:
        """The schools asked for, within the scope (the operator: every school)."""
        visible = self.scope.school_ids
        if wanted is None and visible is None:
            return list((await self.session.execute(select(SchoolRow.id))).scalars())
        chosen = wanted if wanted is not None else frozenset[uuid.UUID]()
        if visible is not None:
            chosen = visible if wanted is None else chosen & visible
        return sorted(chosen)

    async def _keys(
        self,
        resource: str,
        after: FeedPosition,
        last: int,
        schools: list[uuid.UUID],
        wanted: int,
    ) -> list[_Key]:
        first, after_id = after.commit + 1, NIL
        if after.inside_commit and after.resource_rank is not None:
            rank = feed_rank(resource)
            if rank > after.resource_rank:
                first = after.commit
            elif rank == after.resource_rank:
                first, after_id = after.commit, after.id or NIL
        params = {
            "schools": schools,
            "first": first,
            "last": last,
            "after_id": after_id,
            "nil": NIL,
            "resource": resource,
            "n": wanted,
        }
        rows = await self.session.execute(_changes_of(resource), params)
        return [_Key(r.position, resource, r.school_id, r.id, r.gone) for r in rows]

    async def _page(
        self, keys: list[_Key], query: ChangeQuery, next: FeedPosition, has_more: bool
    ) -> ChangePage:
        items = await self._items(keys)
        changes = []
        for key in keys:
            item = None if key.gone else items.get((key.resource, key.id))
            if not key.gone and item is None:
                continue  # deleted since: its tombstone comes at that later commit
            changes.append(
                Change(
                    resource=key.resource,
                    action=ChangeAction.DELETE if key.gone else ChangeAction.UPSERT,
                    id=key.id,
                    school_id=key.school_id,
                    position=FeedPosition.inside(key.position, key.resource, key.id),
                    item=item,
                )
            )
        return ChangePage(changes, next, has_more)

    async def _items(self, keys: Sequence[_Key]) -> dict[tuple[str, uuid.UUID], Changed]:
        """The current state of every upserted row, one statement per resource."""
        wanted: dict[str, list[_Key]] = defaultdict(list)
        for key in keys:
            if not key.gone:
                wanted[key.resource].append(key)
        found: dict[tuple[str, uuid.UUID], Changed] = {}
        for resource, of_resource in wanted.items():
            schools = sorted({k.school_id for k in of_resource})
            ids = [k.id for k in of_resource]
            for item in await self._load(resource, schools, ids):
                found[(resource, item.id)] = item
        return found

    async def _load(
        self, resource: str, schools: list[uuid.UUID], ids: list[uuid.UUID]
    ) -> Sequence[Changed]:
        load = stored_kinds()[resource].load
        return await load(self.session, self.scope, schools, ids) if load else []
