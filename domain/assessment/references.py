"""Resolving strand and step ids that arrive in a request: a strand its school does not use,
or a step off the strand's scale, is a 422 naming the field."""

import uuid
from typing import Protocol

from domain.assessment.framework import Framework, Strand
from domain.assessment.ports import HasFrameworks
from domain.kernel.errors import invalid
from domain.organisation.ports import HasSchools


class ReferencesWork(HasFrameworks, HasSchools, Protocol):
    """What these need of the unit of work."""


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


def step_on_scale(framework: Framework, step_id: uuid.UUID, field: str = "step_id") -> None:
    if framework.step(step_id) is None:
        raise invalid(field, f"step is not on the {framework.name} scale", "step.scale")
