"""Data loaders, one per relation, built per request. Each batch runs in its own unit of work,
so concurrently resolved fields never share a session, and calls a batch use case.

A pupil's judgements and targets are connections: each loader key carries the filter and page
the field asked for, and each distinct one is a single statement for all the pupils (a page per
pupil, never more). Both relations share one loader, so they are fetched in the same dispatch
and arrive together, and the steps, strands and modules they refer to are requested in the
same event-loop tick and load in one batch each. With two loaders the two replies arrived in
either order, and whether the steps loaded in one batch or two depended on timing: the
statement count of a query is now fixed by its shape alone.
"""

import asyncio
import uuid
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from api.runtime import Runtime
from domain import batches
from domain.analytics import progress_service as progress
from domain.analytics.progress import AssessmentPoint, ProgressFact
from domain.assessment.framework import Framework, Step, Strand
from domain.assessment.judgement import Judgement, JudgementRevision
from domain.assessment.ports import JudgementFilter
from domain.kernel.access import Principal
from domain.kernel.calendar import Module
from domain.kernel.paging import Page, PageRequest
from domain.organisation.organisation import School
from domain.privacy.pupil_view import PupilView
from domain.targets.ports import TargetFilter
from domain.targets.target import Target, TargetRevision
from domain.unit_of_work import UnitOfWork

T = TypeVar("T")


def _by_id(items: Sequence[Any], keys: Sequence[uuid.UUID]) -> list[Any]:
    found = {item.id: item for item in items}
    return [found.get(key) for key in keys]


#: the filter and page a per-pupil connection asks for: the same for every pupil of a field
Slice = tuple[JudgementFilter | TargetFilter, PageRequest]


def _pages(
    uow: UnitOfWork, actor: Principal, pupil_ids: Sequence[uuid.UUID], wanted: Slice
) -> Coroutine[Any, Any, Mapping[uuid.UUID, Page[Any]]]:
    """The batch use case that pages the relation the slice's filter is for."""
    filter, page = wanted
    if isinstance(filter, JudgementFilter):
        return batches.judgement_pages(uow, actor, pupil_ids, filter, page)
    return batches.target_pages(uow, actor, pupil_ids, filter, page)


class Loaders:
    def __init__(self, runtime: Runtime, principal: Principal) -> None:
        self._runtime = runtime
        self._principal = principal
        self.school: DataLoader[uuid.UUID, School | None] = self._one(batches.schools)
        self.step: DataLoader[uuid.UUID, Step | None] = self._one(batches.steps)
        self.strand: DataLoader[uuid.UUID, Strand | None] = self._one(batches.strands)
        self.module: DataLoader[uuid.UUID, Module | None] = self._one(batches.modules)
        self.framework: DataLoader[uuid.UUID, Framework | None] = self._one(batches.frameworks)
        self.pupil: DataLoader[uuid.UUID, PupilView | None] = DataLoader(self._pupils)
        self._of_pupil: DataLoader[tuple[Slice, uuid.UUID], Page[Any]] = DataLoader(self._of_pupils)
        self.judgement_history: DataLoader[uuid.UUID, list[JudgementRevision]] = self._grouped(
            batches.judgement_histories
        )
        self.target_history: DataLoader[uuid.UUID, list[TargetRevision]] = self._grouped(
            batches.target_histories
        )
        self.school_progress: DataLoader[tuple[uuid.UUID, AssessmentPoint], list[ProgressFact]] = (
            DataLoader(self._school_progress)
        )

    def _one(
        self,
        use_case: Callable[[Any, Principal, Sequence[uuid.UUID]], Coroutine[Any, Any, list[T]]],
    ) -> DataLoader[uuid.UUID, T | None]:
        async def load(keys: list[uuid.UUID]) -> list[T | None]:
            items = await use_case(self._runtime.uow_for(self._principal), self._principal, keys)
            return _by_id(items, keys)

        return DataLoader(load)

    def _grouped(
        self,
        use_case: Callable[
            [Any, Principal, Sequence[uuid.UUID]], Coroutine[Any, Any, Mapping[uuid.UUID, list[T]]]
        ],
    ) -> DataLoader[uuid.UUID, list[T]]:
        """A loader for a use case that answers a list per key (an absent key: an empty list)."""

        async def load(keys: list[uuid.UUID]) -> list[list[T]]:
            grouped = await use_case(self._runtime.uow_for(self._principal), self._principal, keys)
            return [grouped.get(key, []) for key in keys]

        return DataLoader(load)

    async def _school_progress(
        self, keys: list[tuple[uuid.UUID, AssessmentPoint]]
    ) -> list[list[ProgressFact]]:
        found = await progress.school_facts(
            self._runtime.uow_for(self._principal), self._principal, keys
        )
        return [found[key] for key in keys]

    async def _pupils(self, keys: list[uuid.UUID]) -> list[PupilView | None]:
        found = await batches.pupils(
            self._runtime.uow_for(self._principal),
            self._principal,
            keys,
            self._runtime.pseudonymiser,
        )
        return _by_id(found, keys)

    async def judgements_of_pupil(
        self, pupil_id: uuid.UUID, filter: JudgementFilter, page: PageRequest
    ) -> Page[Judgement]:
        found: Page[Judgement] = await self._of_pupil.load(((filter, page), pupil_id))
        return found

    async def targets_of_pupil(
        self, pupil_id: uuid.UUID, filter: TargetFilter, page: PageRequest
    ) -> Page[Target]:
        found: Page[Target] = await self._of_pupil.load(((filter, page), pupil_id))
        return found

    async def _of_pupils(self, keys: list[tuple[Slice, uuid.UUID]]) -> list[Page[Any] | Exception]:
        """Each slice asked for in this tick, fetched concurrently (a unit of work each): one
        statement per slice, whatever the number of pupils."""
        wanted: dict[Slice, list[uuid.UUID]] = {}
        for slice_, pupil_id in keys:
            wanted.setdefault(slice_, []).append(pupil_id)
        fetched = await asyncio.gather(
            *(
                _pages(self._runtime.uow_for(self._principal), self._principal, ids, slice_)
                for slice_, ids in wanted.items()
            ),
            return_exceptions=True,
        )
        by_slice = dict(zip(wanted, fetched, strict=True))
        results: list[Page[Any] | Exception] = []
        for slice_, pupil_id in keys:
            pages = by_slice[slice_]
            if isinstance(pages, BaseException):
                if not isinstance(pages, Exception):
                    raise pages  # cancellation and the like are not per-key failures
                results.append(pages)
            else:
                results.append(pages.get(pupil_id, Page([], None)))
        return results
