"""A transaction, as a use case sees its unit of work: entered, committed, or dropped.

Use cases name what else they need of the unit of work (`Has...` from each feature's ports)
next to this, so each asks for no more than it uses."""

from typing import Protocol, Self


class Transaction(Protocol):
    """Nothing is kept unless the use case calls `commit`."""

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
