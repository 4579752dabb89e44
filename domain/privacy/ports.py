"""What the privacy feature needs from storage, and the filters its lists take.

Repositories speak in entities and are already narrowed to the caller's scope by the
unit of work that owns them: a row outside it is simply not there. Every filter is
narrowed to the caller's scope too."""

import uuid
from collections.abc import Mapping
from typing import Any, Protocol

from domain.integration.audit import AuditAction
from domain.privacy.subject_access import HeldRow


class PupilRecords(Protocol):
    """Everything held about one pupil, wherever it is held: for subject access and erasure."""

    async def held_about(
        self, school_id: uuid.UUID, pupil_id: uuid.UUID
    ) -> dict[str, list[HeldRow]]: ...

    async def hold(self, pupil_id: uuid.UUID) -> None:
        """Until the transaction ends, no row pointing at the pupil can be written."""
        ...

    async def erase(
        self, school_id: uuid.UUID, pupil_id: uuid.UUID
    ) -> tuple[dict[str, int], dict[str, int]]:
        """Delete every row of the pupil, and scrub their values from the audit entries and
        import reports that keep them, without logging each row; (rows deleted per table,
        rows scrubbed per table)."""
        ...

    async def note(
        self,
        school_id: uuid.UUID,
        action: AuditAction,
        pupil_id: uuid.UUID,
        changes: Mapping[str, Any],
    ) -> None:
        """One audit entry about the pupil, written as the transaction's actor."""
        ...


class HasPupilRecords(Protocol):
    @property
    def pupil_records(self) -> PupilRecords: ...


class PrivacyRepositories(HasPupilRecords, Protocol):
    """What the unit of work offers of the privacy feature (domain.unit_of_work). A use case
    asks only for what it uses (`Has...`), so an in-memory unit of work for its tests need
    offer no more."""
