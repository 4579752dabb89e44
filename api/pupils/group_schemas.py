"""Teaching groups and their memberships over HTTP."""

import uuid
from datetime import date

from pydantic import Field, field_validator

from api.schemas import InOrder, InputModel, ReadModel, ShownKind, YearLabel, reject_null
from domain.pupils.group import MAX_NAME, MAX_STAFF, GroupKind

#: What GraphQL calls this module's answers (api.graphql.shapes).
GRAPHQL_NAMES = {"TeachingGroupOut": "Group", "GroupMembershipOut": "GroupMembership"}


class GroupIn(InputModel):
    school_id: uuid.UUID
    name: str = Field(min_length=1, max_length=MAX_NAME, examples=["Oak"])
    kind: GroupKind = GroupKind.CLASS
    academic_year: str = Field(pattern=r"^\d{4}/\d{2}$", examples=["2024/25"])
    staff_ids: frozenset[uuid.UUID] = Field(
        default=frozenset(), max_length=MAX_STAFF, description="staff accounts who teach it"
    )


class GroupPatch(InputModel):
    name: str | None = Field(default=None, min_length=1, max_length=MAX_NAME)
    kind: GroupKind | None = None
    staff_ids: frozenset[uuid.UUID] | None = Field(
        default=None, max_length=MAX_STAFF, description="the whole set: it replaces the old one"
    )

    @field_validator("name", "kind", "staff_ids")
    @classmethod
    def _not_null(cls, value: object) -> object:
        return reject_null(value)


class TeachingGroupOut(ReadModel):
    id: uuid.UUID
    school_id: uuid.UUID
    name: str
    kind: GroupKind
    academic_year: YearLabel
    staff_ids: InOrder[uuid.UUID]
    version: int


class MembershipIn(InputModel):
    group_id: uuid.UUID
    pupil_id: uuid.UUID
    starts_on: date
    ends_on: date | None = Field(default=None, description="none: still in the group")


class MembershipPatch(InputModel):
    starts_on: date | None = None
    ends_on: date | None = Field(default=None, description="null: still in the group")

    @field_validator("starts_on")
    @classmethod
    def _not_null(cls, value: object) -> object:
        return reject_null(value)


class GroupMembershipOut(ReadModel):
    id: uuid.UUID
    school_id: uuid.UUID
    group_id: uuid.UUID
    pupil_id: uuid.UUID
    starts_on: date
    ends_on: date | None
    version: int


#: groups and memberships in the change feed: as GET shows one (api.integration.records)
GROUPS_SHOWN = ShownKind("groups", TeachingGroupOut)
MEMBERSHIPS_SHOWN = ShownKind("group_memberships", GroupMembershipOut)
