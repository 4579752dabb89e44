"""Resolving pupil ids that arrive in a request, and lists filtered by a school, trust or
pupil: a pupil in the body the caller cannot see is a 422 naming the field; a list filtered
by someone else's school or trust is refused (403), by an unseen pupil NotFound."""

import uuid
from typing import Protocol

from domain.kernel.access import Principal
from domain.kernel.errors import NotFound, PermissionDenied, invalid
from domain.pupils.ports import HasPupils
from domain.pupils.pupil import Pupil


class ReferencesWork(HasPupils, Protocol):
    """What these need of the unit of work."""


async def referenced_pupil(
    uow: ReferencesWork, pupil_id: uuid.UUID, actor: Principal, include_archived: bool = False
) -> Pupil:
    pupil = await uow.pupils.get(pupil_id, include_archived)
    if pupil is None or not actor.can_see(pupil.school_id):
        raise invalid("pupil_id", "no such pupil", "reference")
    return pupil


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
