"""Judgements over HTTP."""

import uuid
from datetime import date, datetime

from pydantic import Field

from api.schemas import InputModel, ReadModel, ShownKind
from domain.assessment.judgement import JudgementKind, ModerationState

EvidenceLinks = list[str]


class JudgementIn(InputModel):
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    module_id: uuid.UUID
    step_id: uuid.UUID
    kind: JudgementKind = JudgementKind.CHECKPOINT
    assessed_on: date | None = Field(
        default=None, description="default: today, or the module's end if earlier"
    )
    assessor: str | None = Field(
        default=None, max_length=200, description="default: the caller's name"
    )
    note: str = Field(default="", max_length=4000)
    evidence: EvidenceLinks = Field(
        default_factory=list, max_length=50, examples=[["https://evidence.example/abc"]]
    )


class JudgementCorrection(InputModel):
    reason: str = Field(min_length=1, max_length=500, examples=["entered against the wrong step"])
    step_id: uuid.UUID | None = None
    kind: JudgementKind | None = None
    assessed_on: date | None = None
    assessor: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=4000)
    evidence: EvidenceLinks | None = Field(default=None, max_length=50)


class ModerationIn(InputModel):
    state: ModerationState
    step_id: uuid.UUID | None = Field(default=None, description="the agreed step, when adjusted")
    moderator: str | None = Field(default=None, max_length=200)
    moderated_on: date | None = None


class ModerationOut(ReadModel):
    state: ModerationState
    step_id: uuid.UUID | None
    moderator: str | None
    moderated_on: date | None


class JudgementOut(ReadModel):
    id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    module_id: uuid.UUID
    step_id: uuid.UUID
    effective_step_id: uuid.UUID = Field(
        description="the moderated step where moderation adjusted it"
    )
    kind: JudgementKind
    assessed_on: date
    assessor: str
    note: str
    evidence: list[str]
    moderation: ModerationOut
    recorded_by: str
    recorded_at: datetime
    version: int


class JudgementRevisionOut(ReadModel):
    judgement_id: uuid.UUID
    version: int
    step_id: uuid.UUID
    kind: JudgementKind
    assessed_on: date
    assessor: str
    note: str
    moderation: ModerationOut
    changed_by: str
    changed_at: datetime
    reason: str


#: judgements in the change feed: as GET shows one (api.integration.records)
JUDGEMENTS_SHOWN = ShownKind("judgements", JudgementOut)
