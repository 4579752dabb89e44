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

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import TextClause, text
from sqlmodel import col, select

from domain.integration.changes import (
    FEED_ORDER,
    Change,
    ChangeAction,
    Changed,
    ChangedResource,
    ChangePage,
    ChangeQuery,
    FeedPosition,
)
from persistence.assessment.mapping import JUDGEMENTS
from persistence.assessment.tables import JudgementRow
from persistence.organisation.tables import SchoolRow
from persistence.outcomes.mapping import DESTINATIONS, MARKS, QUALIFICATIONS
from persistence.outcomes.tables import AttendanceMarkRow, DestinationRow, QualificationEntryRow
from persistence.pupils.pupil_repository import SqlPupilRepository
from persistence.repository import ScopedRepository
from persistence.targets.mapping import target_from_rows
from persistence.targets.tables import TargetRevisionRow, TargetRow

#: commit-school probes per window (each a descent of two small indexes per resource)
PROBES_PER_WINDOW = 4000
#: windows one request may read before answering, found something or not
WINDOWS_PER_PAGE = 4
NIL = uuid.UUID(int=0)

#: resource -> (table, what makes a present row a delete)
_TABLES: dict[ChangedResource, tuple[str, str]] = {
    ChangedResource.PUPILS: ("pupils", "r.deleted_at IS NOT NULL"),  # archived
    ChangedResource.JUDGEMENTS: ("judgements", "false"),
    ChangedResource.TARGETS: ("targets", "false"),
    ChangedResource.ATTENDANCE: ("attendance_marks", "false"),
    ChangedResource.QUALIFICATIONS: ("qualification_entries", "false"),
    ChangedResource.DESTINATIONS: ("destinations", "false"),
}

_WINDOW_END = text(
    "SELECT max(position), count(*) FROM ("
    " SELECT position FROM change_commits WHERE position >= :first"
    " ORDER BY position LIMIT :commits) w"
)
_LATEST = text("SELECT coalesce(max(position), 0) FROM change_commits")


def _changes_of(resource: ChangedResource) -> TextClause:
    """The resource's changes in commits first..last for the given schools, in (position,
    id) order; at commit `first`, only ids after `after_id`. Table names are constants."""
    table, gone = _TABLES[resource]
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


_QUERIES = {resource: _changes_of(resource) for resource in ChangedResource}


@dataclass(frozen=True, slots=True)
class _Key:
    position: int
    resource: ChangedResource
    school_id: uuid.UUID
    id: uuid.UUID
    gone: bool

    @property
    def order(self) -> tuple[int, int, uuid.UUID]:
        return (self.position, self.resource.rank, self.id)


class SqlChangeFeed(ScopedRepository):
    async def latest(self) -> FeedPosition:
        return FeedPosition.after_commit((await self.session.execute(_LATEST)).scalar_one())

    async def changes(self, query: ChangeQuery) -> ChangePage:
        schools = await self._schools(query.school_ids)
        resources = [r for r in FEED_ORDER if r in query.resources]
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
        resource: ChangedResource,
        after: FeedPosition,
        last: int,
        schools: list[uuid.UUID],
        wanted: int,
    ) -> list[_Key]:
        first, after_id = after.commit + 1, NIL
        if after.inside_commit and after.resource_rank is not None:
            if resource.rank > after.resource_rank:
                first = after.commit
            elif resource.rank == after.resource_rank:
                first, after_id = after.commit, after.id or NIL
        params = {
            "schools": schools,
            "first": first,
            "last": last,
            "after_id": after_id,
            "nil": NIL,
            "resource": resource.value,
            "n": wanted,
        }
        rows = await self.session.execute(_QUERIES[resource], params)
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

    async def _items(
        self, keys: Sequence[_Key]
    ) -> dict[tuple[ChangedResource, uuid.UUID], Changed]:
        """The current state of every upserted row, one statement per resource."""
        wanted: dict[ChangedResource, list[_Key]] = defaultdict(list)
        for key in keys:
            if not key.gone:
                wanted[key.resource].append(key)
        found: dict[tuple[ChangedResource, uuid.UUID], Changed] = {}
        for resource, of_resource in wanted.items():
            schools = sorted({k.school_id for k in of_resource})
            ids = [k.id for k in of_resource]
            for item in await self._load(resource, schools, ids):
                found[(resource, item.id)] = item
        return found

    async def _load(
        self, resource: ChangedResource, schools: list[uuid.UUID], ids: list[uuid.UUID]
    ) -> Sequence[Changed]:
        session = self.session
        match resource:
            case ChangedResource.PUPILS:
                return await SqlPupilRepository(session, self.scope).get_many(ids)
            case ChangedResource.JUDGEMENTS:
                stmt = select(JudgementRow).where(
                    col(JudgementRow.school_id).in_(schools), col(JudgementRow.id).in_(ids)
                )
                return [JUDGEMENTS.entity(r) for r in (await session.execute(stmt)).scalars()]
            case ChangedResource.TARGETS:
                return await self._targets(schools, ids)
            case ChangedResource.ATTENDANCE:
                marks = select(AttendanceMarkRow).where(
                    col(AttendanceMarkRow.school_id).in_(schools),
                    col(AttendanceMarkRow.id).in_(ids),
                )
                return [MARKS.entity(r) for r in (await session.execute(marks)).scalars()]
            case ChangedResource.QUALIFICATIONS:
                entries = select(QualificationEntryRow).where(
                    col(QualificationEntryRow.school_id).in_(schools),
                    col(QualificationEntryRow.id).in_(ids),
                )
                return [
                    QUALIFICATIONS.entity(r) for r in (await session.execute(entries)).scalars()
                ]
            case ChangedResource.DESTINATIONS:
                leavers = select(DestinationRow).where(
                    col(DestinationRow.school_id).in_(schools), col(DestinationRow.id).in_(ids)
                )
                return [DESTINATIONS.entity(r) for r in (await session.execute(leavers)).scalars()]

    async def _targets(self, schools: list[uuid.UUID], ids: list[uuid.UUID]) -> list[Changed]:
        rows = (
            await self.session.execute(
                select(TargetRow).where(
                    col(TargetRow.school_id).in_(schools), col(TargetRow.id).in_(ids)
                )
            )
        ).scalars()
        history: dict[uuid.UUID, list[TargetRevisionRow]] = defaultdict(list)
        revisions = select(TargetRevisionRow).where(
            col(TargetRevisionRow.school_id).in_(schools),
            col(TargetRevisionRow.target_id).in_(ids),
        )
        for revision in (await self.session.execute(revisions)).scalars():
            history[revision.target_id].append(revision)
        return [target_from_rows(r, history[r.id]) for r in rows]
