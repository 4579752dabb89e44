"""The change feed: what changed, in the order the transactions committed.

An integration keeps a copy in step by applying each change in turn: an upsert carries
the row's current state, a delete only its id. The feed gives the latest state of each
changed row at the commit that last changed it: a row changed in commits 5 and 9 comes
once, at 9, with its state after 9. Applied in order that is all a copy needs, and a copy
that stopped anywhere catches up without re-reading everything.

Within one commit, changes come by kind of record in rank order (pupils first, so a copy
with foreign keys can apply them in order: domain.integration.records), then by id. A
position names the last change read; it can fall inside one commit, so a million-row import
is read page by page.
"""

import base64
import binascii
import enum
import functools
import uuid
from dataclasses import dataclass
from typing import Any

from domain.integration.records import followed

#: how many changes one page may hold
MAX_CHANGES = 1000
DEFAULT_CHANGES = 500


@functools.cache
def feed_order() -> tuple[str, ...]:
    """The kinds of record the feed follows, in the order they come within one commit (made
    once: every key of a page is ranked by it)."""
    return tuple(k.name for k in followed())


def feed_rank(resource: str) -> int:
    """A followed kind's place within a commit; ValueError for a kind the feed does not follow."""
    return feed_order().index(resource)


class ChangeAction(enum.StrEnum):
    UPSERT = "upsert"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class FeedPosition:
    """Where a reader is: after commit `commit` entirely (resource and id None), or inside
    it, after the change of `resource` and `id`. Commit 0 is the beginning."""

    commit: int
    resource: str | None = None
    id: uuid.UUID | None = None

    def __post_init__(self) -> None:
        if self.commit < 0:
            raise ValueError("a commit position is never negative")
        if (self.resource is None) != (self.id is None):
            raise ValueError("a position inside a commit names both resource and id")
        if self.resource is not None and self.resource not in feed_order():
            raise ValueError("no such resource")

    @classmethod
    def after_commit(cls, commit: int) -> "FeedPosition":
        return cls(commit)

    @classmethod
    def inside(cls, commit: int, resource: str, id: uuid.UUID) -> "FeedPosition":
        return cls(commit, resource, id)

    @property
    def resource_rank(self) -> int | None:
        return None if self.resource is None else feed_rank(self.resource)

    @property
    def inside_commit(self) -> bool:
        return self.id is not None

    def token(self) -> str:
        """Opaque to clients: "v1:<commit>" or "v1:<commit>:<resource>:<id>", base64url."""
        parts = ["v1", str(self.commit)]
        if self.resource is not None:
            parts += [self.resource, str(self.id)]
        return base64.urlsafe_b64encode(":".join(parts).encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, token: str) -> "FeedPosition":
        """The position a token names; ValueError if this feed did not issue it."""
        try:
            text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise ValueError("not base64url text") from error
        parts = text.split(":")
        if parts[0] != "v1" or len(parts) not in (2, 4) or not parts[1].isdigit():
            raise ValueError("not a change-feed position")
        if len(parts) == 2:
            return cls.after_commit(int(parts[1]))
        return cls.inside(int(parts[1]), parts[2], uuid.UUID(parts[3]))


START = FeedPosition(0)

#: what an upsert carries: the entity as the REST API's GET of it shows it
Changed = Any


@dataclass(frozen=True, slots=True)
class Change:
    resource: str
    action: ChangeAction
    id: uuid.UUID
    school_id: uuid.UUID
    position: FeedPosition  # this change's own position: a reader stopping here resumes after it
    item: Changed | None  # None for a delete


@dataclass(frozen=True, slots=True)
class ChangeQuery:
    """`school_ids` None: every school (the operator only)."""

    after: FeedPosition
    limit: int
    resources: frozenset[str]
    school_ids: frozenset[uuid.UUID] | None

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_CHANGES:
            raise ValueError(f"limit must be 1..{MAX_CHANGES}")


@dataclass(frozen=True, slots=True)
class ChangePage:
    """`next` is always where to continue (the query's own position when nothing is new);
    `has_more` says whether to ask again straight away."""

    changes: list[Change]
    next: FeedPosition
    has_more: bool
