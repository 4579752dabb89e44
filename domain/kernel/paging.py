"""Keyset pages. Ids are time-ordered UUIDs, so "after this id" is creation order."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = 50
    after: uuid.UUID | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be 1..{MAX_LIMIT}")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_after: uuid.UUID | None


async def every_page(fetch: Callable[[PageRequest], Awaitable[Page[T]]]) -> list[T]:
    """All items, page by page (for the few places that need a school's whole set)."""
    items: list[T] = []
    after: uuid.UUID | None = None
    while True:
        page = await fetch(PageRequest(limit=MAX_LIMIT, after=after))
        items += page.items
        if page.next_after is None:
            return items
        after = page.next_after
