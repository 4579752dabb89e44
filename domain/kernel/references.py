"""Resolving ids that arrive in a request, with the right failure for each place.

An id in the path that the caller cannot see is NotFound (404); an id in the
body that does not resolve is an InvariantViolation naming that field (422):
the request is well-formed but refers to something that is not there for them.
"""

import uuid
from datetime import date
from typing import Protocol, TypeVar

from domain.assessment.framework import Framework, Strand
from domain.assessment.ports import HasFrameworks
from domain.kernel.access import Principal
from domain.kernel.errors import NotFound, PermissionDenied, StaleVersion, invalid
from domain.organisation.ports import HasSchools
from domain.pupils.ports import HasPupils
from domain.pupils.pupil import Pupil


class ReferencesWork(HasFrameworks, HasPupils, HasSchools, Protocol):
    """What these use cases need of the unit of work."""


T = TypeVar("T")


def found(entity: T | None, name: str, key: object) -> T:
    if entity is None:
        raise NotFound(name, key)
    return entity


def check_version(name: str, current: int, expected: int | None) -> None:
    """Optimistic concurrency: refuse when the caller edited an older version."""
    if expected is not None and expected != current:
        raise StaleVersion(name, expected, current)


async def referenced_pupil(
    uow: ReferencesWork, pupil_id: uuid.UUID, actor: Principal, include_archived: bool = False
) -> Pupil:
    pupil = await uow.pupils.get(pupil_id, include_archived)
    if pupil is None or not actor.can_see(pupil.school_id):
        raise invalid("pupil_id", "no such pupil", "reference")
    return pupil


async def referenced_strand(
    uow: ReferencesWork, strand_id: uuid.UUID, school_id: uuid.UUID
) -> tuple[Framework, Strand]:
    """The strand and its framework, checked to be usable by `school_id`."""
    framework = (await uow.frameworks.for_strands([strand_id])).get(strand_id)
    school = await uow.schools.get(school_id)
    if framework is None or school is None:
        raise invalid("strand_id", "no such strand", "reference")
    if not framework.usable_by(school_id, school.trust_id):
        raise invalid(
            "strand_id", "the strand's framework is not used by the pupil's school", "reference"
        )
    strand = framework.strand(strand_id)
    if strand is None:  # pragma: no cover - for_strands guarantees it
        raise invalid("strand_id", "no such strand", "reference")
    return framework, strand


async def require_filter_scope(
    uow: ReferencesWork,
    actor: Principal,
    *,
    school_id: uuid.UUID | None = None,
    trust_id: uuid.UUID | None = None,
    pupil_id: uuid.UUID | None = None,
) -> None:
    """A list filtered by someone else's school or trust is refused (403), and by a pupil the
    caller cannot see is NotFound, rather than quietly answering with an empty page."""
    if school_id is not None and not actor.can_see(school_id):
        raise PermissionDenied("school is outside the caller's scope")
    if trust_id is not None and not actor.can_see_trust(trust_id):
        raise PermissionDenied("trust is outside the caller's scope")
    if pupil_id is not None and await uow.pupils.get(pupil_id, include_deleted=True) is None:
        raise NotFound("pupil", pupil_id)


def not_in_future(day: date | None, today: date, field: str) -> None:
    """Dates on which something was done (set, evaluated, moderated) cannot be ahead of today."""
    if day is not None and day > today:
        raise invalid(field, "must not be in the future", "date.future")


def step_on_scale(framework: Framework, step_id: uuid.UUID, field: str = "step_id") -> None:
    if framework.step(step_id) is None:
        raise invalid(field, f"step is not on the {framework.name} scale", "step.scale")
