"""Shapes shared by every REST resource: strict inputs, answers read from entities, pages, and
partial updates."""

from dataclasses import dataclass
from typing import Annotated, Any, Generic, Protocol, Self, TypeVar

from fastapi import Request, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator

from api.dependencies import encode_cursor
from domain.kernel.calendar import AcademicYear
from domain.kernel.paging import Page
from domain.kernel.unset import UNSET

T = TypeVar("T")


def _without_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL; refuse it here, naming the field, rather than fail later."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL (\\u0000) characters")
    if isinstance(value, list):
        for item in value:
            _without_nul(item)
    return value


class InputModel(BaseModel):
    """Request bodies: unknown fields are refused (no mass assignment), strings trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return _without_nul(value)

    def changes(self) -> dict[str, Any]:
        """Only the fields the caller sent, for PATCH: absent means unchanged, null means clear."""
        return {name: getattr(self, name) for name in self.model_fields_set}

    def given_or_unset(self, name: str) -> Any:
        return getattr(self, name) if name in self.model_fields_set else UNSET


class ReadModel(BaseModel):
    """Answers: read field by field from an entity's attributes of the same names (pydantic's
    `from_attributes`), nested answers from nested entities, so no field is copied by hand.
    An answer that shows something other than the entity's own fields says so in its `of`."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, entity: Any) -> Self:
        return cls.model_validate(entity, from_attributes=True)


@dataclass(frozen=True, slots=True)
class ShownKind:
    """How the API shows a kind of pupil-level record (domain.integration.records): the
    answer its own GET gives, which the change feed repeats for each change. Declared beside
    that answer in its feature's schemas; api.integration.records finds them all."""

    name: str
    out: "type[Answer]"


class Answer(Protocol):
    """An answer made from an entity by its `of`."""

    @classmethod
    def of(cls, entity: Any, /) -> BaseModel: ...


def _label(value: Any) -> Any:
    return value.label if isinstance(value, AcademicYear) else value


def _in_order(value: Any) -> Any:
    return sorted(value) if isinstance(value, set | frozenset) else value


#: An academic year shown as its label, `2023/24`.
YearLabel = Annotated[str, BeforeValidator(_label)]
#: A set shown as a sorted list, so that the same set always reads the same.
InOrder = Annotated[list[T], BeforeValidator(_in_order)]


def reject_null(value: T | None) -> T:
    """For PATCH fields that cannot be cleared: omit them to leave them unchanged."""
    if value is None:
        raise ValueError("must not be null; omit the field to leave it unchanged")
    return value


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def page_out(page: Page[Any], items: list[T], request: Request, response: Response) -> PageOut[T]:
    """The page body, plus an RFC 8288 Link header to the next page."""
    cursor = encode_cursor(page.next_after)
    if cursor is not None:
        next_url = request.url.include_query_params(cursor=cursor)
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return PageOut[T](items=items, next_cursor=cursor)
