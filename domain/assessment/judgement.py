"""Teacher judgements: where a pupil is on a strand's scale at a module.

One current judgement per pupil x strand x module. A correction or moderation
changes it in place and keeps the previous state as a revision, so history is
never lost and published figures can be explained later.
"""

import enum
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from domain.kernel.errors import Problem

#: the most evidence links one judgement holds
MAX_EVIDENCE = 50

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\Z", re.IGNORECASE)  # \Z: no trailing newline


class JudgementKind(enum.StrEnum):
    BASELINE = "baseline"
    CHECKPOINT = "checkpoint"
    EXIT = "exit"


class ModerationState(enum.StrEnum):
    UNMODERATED = "unmoderated"
    AGREED = "agreed"
    ADJUSTED = "adjusted"


@dataclass(frozen=True, slots=True)
class Moderation:
    state: ModerationState = ModerationState.UNMODERATED
    step_id: uuid.UUID | None = None  # the moderated step, when adjusted
    moderator: str | None = None
    moderated_on: date | None = None


@dataclass(frozen=True, slots=True)
class JudgementRevision:
    """A previous state of a judgement, kept when it was corrected or moderated."""

    judgement_id: uuid.UUID
    version: int
    step_id: uuid.UUID
    kind: JudgementKind
    assessed_on: date
    assessor: str
    note: str
    moderation: Moderation
    changed_by: str
    changed_at: datetime
    reason: str


@dataclass(slots=True)
class Judgement:
    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    module_id: uuid.UUID
    step_id: uuid.UUID
    kind: JudgementKind
    assessed_on: date
    assessor: str
    recorded_by: str
    recorded_at: datetime
    note: str = ""
    evidence: list[str] = field(default_factory=list)
    moderation: Moderation = field(default_factory=Moderation)
    version: int = 1

    @property
    def effective_step_id(self) -> uuid.UUID:
        """The step that counts: the moderated one where moderation adjusted it."""
        if self.moderation.state is ModerationState.ADJUSTED and self.moderation.step_id:
            return self.moderation.step_id
        return self.step_id

    def snapshot(self, changed_by: str, changed_at: datetime, reason: str) -> JudgementRevision:
        return JudgementRevision(
            judgement_id=self.id,
            version=self.version,
            step_id=self.step_id,
            kind=self.kind,
            assessed_on=self.assessed_on,
            assessor=self.assessor,
            note=self.note,
            moderation=self.moderation,
            changed_by=changed_by,
            changed_at=changed_at,
            reason=reason,
        )

    def correct(
        self,
        *,
        step_id: uuid.UUID | None,
        kind: JudgementKind | None,
        assessed_on: date | None,
        assessor: str | None,
        note: str | None,
        evidence: list[str] | None,
    ) -> None:
        """Apply a teacher's correction. A new step undoes earlier moderation."""
        if step_id is not None and step_id != self.step_id:
            self.step_id = step_id
            self.moderation = Moderation()
        self.kind = kind or self.kind
        self.assessed_on = assessed_on or self.assessed_on
        self.assessor = assessor if assessor is not None else self.assessor
        self.note = note if note is not None else self.note
        self.evidence = evidence if evidence is not None else self.evidence
        self.version += 1

    def moderate(
        self, state: ModerationState, step_id: uuid.UUID | None, moderator: str, on: date
    ) -> None:
        self.moderation = Moderation(
            state=state,
            step_id=step_id if state is ModerationState.ADJUSTED else None,
            moderator=moderator,
            moderated_on=on,
        )
        self.version += 1

    def problems(self, today: date) -> list[Problem]:
        found: list[Problem] = []
        if self.assessed_on > today:
            found.append(Problem("assessed_on", "must not be in the future", "date.future"))
        if not self.assessor.strip():
            found.append(Problem("assessor", "must not be blank", "blank"))
        if len(self.note) > 4000:
            found.append(Problem("note", "at most 4000 characters", "too_long"))
        if len(self.evidence) > MAX_EVIDENCE:
            found.append(Problem("evidence", f"at most {MAX_EVIDENCE} links", "too_many"))
        for i, link in enumerate(self.evidence):
            if not _URL.match(link) or len(link) > 2000:
                found.append(Problem(f"evidence[{i}]", "evidence links are http(s) URLs", "url"))
        mod = self.moderation
        if mod.state is ModerationState.ADJUSTED and mod.step_id is None:
            found.append(
                Problem("moderation.step_id", "an adjusted moderation names its step", "required")
            )
        if mod.state is not ModerationState.UNMODERATED and not (mod.moderator or "").strip():
            found.append(Problem("moderation.moderator", "name the moderator", "required"))
        return found
