"""Connections: every GraphQL list that can grow with a school's data is paged.

A connection field takes `first` (1..MAX_FIRST) and `after` (the `endCursor` of the page
before), and answers `nodes` and `pageInfo`. Lists read from the database page there (keyset on
the id, as REST does); lists already in memory with their parent (a pupil's enrolments, a
judgement's history) are sliced by position. Either way no page holds more than MAX_FIRST
nodes, which is what lets api/graphql/cost.py price a query before it runs.
"""

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry

from api.dependencies import decode_cursor, encode_cursor
from api.errors import ApiProblem
from domain.kernel.errors import InvariantViolation, Problem, invalid
from domain.kernel.paging import Page, PageRequest

N = TypeVar("N")
T = TypeVar("T")

#: the most nodes one page of any connection holds (GitHub's GraphQL API has the same cap)
MAX_FIRST = 100
#: what `first` is when a query leaves it out
DEFAULT_FIRST = 50

_OFFSET_PREFIX = b"at:"


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Connection(Generic[N]):
    nodes: list[N]
    page_info: PageInfo


def checked_first(first: int) -> int:
    """`first` as given, or bad input naming the bound (never silently clamped)."""
    if not 1 <= first <= MAX_FIRST:
        raise InvariantViolation(
            [Problem("first", f"a page holds 1 to {MAX_FIRST} nodes", "range")]
        )
    return first


def page_request(first: int, after: str | None) -> PageRequest:
    """A database page: `first` checked, `after` an endCursor of a keyset page."""
    try:
        cursor = decode_cursor(after) if after else None
    except ApiProblem as error:
        raise invalid("after", "not an endCursor from a previous page", "cursor") from error
    return PageRequest(limit=checked_first(first), after=cursor)


def connection(page: Page[Any], nodes: list[N]) -> Connection[N]:
    """A database page as a connection."""
    cursor = encode_cursor(page.next_after)
    return Connection(
        nodes=nodes, page_info=PageInfo(has_next_page=cursor is not None, end_cursor=cursor)
    )


def _offset(after: str | None) -> int:
    if not after:
        return 0
    try:
        raw = base64.urlsafe_b64decode(after + "=" * (-len(after) % 4))
        if raw.startswith(_OFFSET_PREFIX):
            offset = int(raw.removeprefix(_OFFSET_PREFIX))
            if offset >= 0:
                return offset
    except (binascii.Error, ValueError):
        pass
    raise invalid("after", "not an endCursor from a previous page", "cursor")


def _offset_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(_OFFSET_PREFIX + str(offset).encode()).decode().rstrip("=")


def sliced(
    items: Sequence[T], first: int, after: str | None, node: Callable[[T], N]
) -> Connection[N]:
    """A list held in memory with its parent, as a connection: `first` items after the
    position `after` names; only the nodes of the page are built."""
    start = _offset(after)
    end = start + checked_first(first)
    more = end < len(items)
    return Connection(
        nodes=[node(item) for item in items[start:end]],
        page_info=PageInfo(has_next_page=more, end_cursor=_offset_cursor(end) if more else None),
    )
