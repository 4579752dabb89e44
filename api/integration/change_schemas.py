"""The change feed over HTTP: each change with the item as its own GET shows it."""

import uuid

from pydantic import BaseModel, Field

from api.integration.records import ChangedResource, ItemOut, shown_as
from domain.integration.changes import Change, ChangeAction, ChangePage, FeedPosition


def _item_out(change: Change) -> ItemOut | None:
    """None for a delete; a pupil is always shown through a PupilView."""
    return None if change.item is None else shown_as(change.resource, change.item)


class ChangeOut(BaseModel):
    resource: ChangedResource
    action: ChangeAction
    id: uuid.UUID
    school_id: uuid.UUID
    data: ItemOut | None = Field(
        description="the item as GET of it shows it now; null for a delete"
    )

    @classmethod
    def of(cls, c: Change) -> "ChangeOut":
        return cls(
            resource=c.resource, action=c.action, id=c.id, school_id=c.school_id, data=_item_out(c)
        )


class ChangesOut(BaseModel):
    changes: list[ChangeOut]
    next_cursor: str = Field(
        description="where to continue: always store it, even when `changes` is empty"
    )
    has_more: bool = Field(description="true: ask again straight away; false: caught up for now")

    @classmethod
    def of(cls, page: ChangePage) -> "ChangesOut":
        return cls(
            changes=[ChangeOut.of(c) for c in page.changes],
            next_cursor=page.next.token(),
            has_more=page.has_more,
        )


class LatestOut(BaseModel):
    cursor: str

    @classmethod
    def of(cls, position: FeedPosition) -> "LatestOut":
        return cls(cursor=position.token())
