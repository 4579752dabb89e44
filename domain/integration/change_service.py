"""Use cases for the change feed: what changed since a position, and where "now" is.

Every resource the feed carries is read with READ_ROSTER through the REST API (the list
and get endpoints of pupils, judgements, targets, attendance marks, qualifications and
destinations), so the feed asks the same. Rows come only from the caller's schools, and
pupils, judgements and targets are shown as the REST API shows them to this caller
(pseudonymised for analysts: no names and no free text: notes, rationales, assessors,
moderators, evidence links, reasons or destination providers).
"""

import uuid
from dataclasses import dataclass, replace
from typing import Protocol

from domain.assessment.ports import HasFrameworks
from domain.integration.changes import (
    DEFAULT_CHANGES,
    MAX_CHANGES,
    START,
    Change,
    ChangePage,
    ChangeQuery,
    FeedPosition,
    feed_order,
)
from domain.integration.ports import HasChanges
from domain.integration.records import record_kind
from domain.kernel.access import Permission, Principal
from domain.kernel.errors import invalid
from domain.kernel.transaction import Transaction
from domain.organisation.ports import HasSchools
from domain.privacy.pupil_view import Pseudonymiser
from domain.pupils.ports import HasPupils
from domain.pupils.references import require_filter_scope


class ChangeWork(HasChanges, HasFrameworks, HasPupils, HasSchools, Transaction, Protocol):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class ChangeRequest:
    """`resources` empty: all of them; `school_id` narrows to one school of the caller's."""

    since: FeedPosition = START
    limit: int = DEFAULT_CHANGES
    resources: frozenset[str] = frozenset()
    school_id: uuid.UUID | None = None


async def changes_since(
    uow: ChangeWork, actor: Principal, request: ChangeRequest, pseudonymiser: Pseudonymiser
) -> ChangePage:
    actor.require(Permission.READ_ROSTER)
    if not 1 <= request.limit <= MAX_CHANGES:
        raise invalid("limit", f"between 1 and {MAX_CHANGES}", "range")
    schools: frozenset[uuid.UUID] | None = None if actor.unrestricted else actor.school_ids
    if request.school_id is not None:
        schools = frozenset({request.school_id})
    query = ChangeQuery(
        after=request.since,
        limit=request.limit,
        resources=request.resources or frozenset(feed_order()),
        school_ids=schools,
    )
    async with uow:
        await require_filter_scope(uow, actor, school_id=request.school_id)
        page = await uow.changes.changes(query)
    return replace(page, changes=[_as_seen_by(c, actor, pseudonymiser) for c in page.changes])


async def latest_position(uow: ChangeWork, actor: Principal) -> FeedPosition:
    """Where to start following from now on (take it before a full export, not after)."""
    actor.require(Permission.READ_ROSTER)
    async with uow:
        return await uow.changes.latest()


def _as_seen_by(change: Change, actor: Principal, pseudonymiser: Pseudonymiser) -> Change:
    """The item as the caller's own GET would show it (the kind of record says how)."""
    if change.item is None:
        return change
    seen = record_kind(change.resource).seen_by(change.item, actor, pseudonymiser)
    return replace(change, item=seen)
