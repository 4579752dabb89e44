"""The change feed over HTTP: each change with the item as its own GET shows it."""

import uuid

from pydantic import BaseModel, Field

from api.assessment.judgement_schemas import JudgementOut
from api.outcomes.attendance_schemas import MarkOut
from api.outcomes.destination_schemas import DestinationOut
from api.outcomes.qualification_schemas import QualificationOut
from api.pupils.pupil_schemas import PupilOut
from api.targets.target_schemas import TargetOut
from domain.assessment.judgement import Judgement
from domain.integration.changes import (
    Change,
    ChangeAction,
    ChangedResource,
    ChangePage,
    FeedPosition,
)
from domain.outcomes.attendance import AttendanceMark
from domain.outcomes.destination import Destination
from domain.outcomes.qualification import QualificationEntry
from domain.privacy.pupil_view import PupilView
from domain.targets.target import Target

ItemOut = PupilOut | JudgementOut | TargetOut | MarkOut | QualificationOut | DestinationOut


def _item_out(change: Change) -> ItemOut | None:
    match change.item:
        case PupilView():
            return PupilOut.of(change.item)
        case Judgement():
            return JudgementOut.of(change.item)
        case Target():
            return TargetOut.of(change.item)
        case AttendanceMark():
            return MarkOut.of(change.item)
        case QualificationEntry():
            return QualificationOut.of(change.item)
        case Destination():
            return DestinationOut.of(change.item)
        case _:  # a delete; a pupil is always shown through a PupilView
            return None


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
