"""Data loaders, one per relation, built per request. Each batch runs in its own unit of work,
so concurrently resolved fields never share a session, and calls a batch use case."""

import uuid
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from api.runtime import Runtime
from domain.access import Principal
from domain.calendar import Module
from domain.framework import Framework, Step, Strand
from domain.judgement import Judgement
from domain.organisation import School
from domain.privacy import PupilView
from domain.services import batches
from domain.target import Target

T = TypeVar("T")


def _by_id(items: Sequence[Any], keys: Sequence[uuid.UUID]) -> list[Any]:
    found = {item.id: item for item in items}
    return [found.get(key) for key in keys]


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
        self.pupils_of_school: DataLoader[uuid.UUID, list[PupilView]] = DataLoader(
            self._pupils_of_schools
        )
        self.judgements_of_pupil: DataLoader[uuid.UUID, list[Judgement]] = DataLoader(
            self._judgements
        )
        self.targets_of_pupil: DataLoader[uuid.UUID, list[Target]] = DataLoader(self._targets)

    def _one(
        self,
        use_case: Callable[[Any, Principal, Sequence[uuid.UUID]], Coroutine[Any, Any, list[T]]],
    ) -> DataLoader[uuid.UUID, T | None]:
        async def load(keys: list[uuid.UUID]) -> list[T | None]:
            items = await use_case(self._runtime.uow_for(self._principal), self._principal, keys)
            return _by_id(items, keys)

        return DataLoader(load)

    async def _pupils(self, keys: list[uuid.UUID]) -> list[PupilView | None]:
        found = await batches.pupils(
            self._runtime.uow_for(self._principal),
            self._principal,
            keys,
            self._runtime.pseudonymiser,
        )
        return _by_id(found, keys)

    async def _pupils_of_schools(self, keys: list[uuid.UUID]) -> list[list[PupilView]]:
        grouped = await batches.pupils_of_schools(
            self._runtime.uow_for(self._principal),
            self._principal,
            keys,
            self._runtime.pseudonymiser,
        )
        return [grouped.get(key, []) for key in keys]

    async def _judgements(self, keys: list[uuid.UUID]) -> list[list[Judgement]]:
        grouped = await batches.judgements_of_pupils(
            self._runtime.uow_for(self._principal), self._principal, keys
        )
        return [grouped.get(key, []) for key in keys]

    async def _targets(self, keys: list[uuid.UUID]) -> list[list[Target]]:
        grouped = await batches.targets_of_pupils(
            self._runtime.uow_for(self._principal), self._principal, keys
        )
        return [grouped.get(key, []) for key in keys]
