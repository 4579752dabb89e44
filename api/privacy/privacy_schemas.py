"""Subject access exports and erasures over HTTP."""

import uuid
from datetime import date, datetime
from typing import Any

from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field

from domain.privacy.retention import REASON_MAX, Erasure, RetentionBasis
from domain.privacy.subject_access import SubjectAccessExport


class SchoolRef(BaseModel):
    id: uuid.UUID
    urn: str
    name: str


class SubjectAccessOut(BaseModel):
    generated_at: datetime
    school: SchoolRef
    pupil_id: uuid.UUID
    records: dict[str, list[dict[str, Any]]] = Field(
        description="everything held about the pupil, by where it is held (the table), each "
        "row as stored: the pupil, characteristics, enrolments, judgements and their "
        "revisions, targets and revisions, outcome targets and evaluations, destinations, "
        "attendance marks, qualification entries, the audit entries about them, the "
        "change feed's tombstones of their deleted rows and stored import reports that "
        "quote their UPN or MIS id"
    )

    @classmethod
    def of(cls, export: SubjectAccessExport) -> "SubjectAccessOut":
        school = export.school
        return cls(
            generated_at=export.generated_at,
            school=SchoolRef(id=school.id, urn=school.urn, name=school.name),
            pupil_id=export.pupil_id,
            records={k: jsonable_encoder(list(v)) for k, v in export.records.items()},
        )


class ErasureIn(BaseModel):
    reason: str = Field(min_length=1, max_length=REASON_MAX, description="why the pupil is erased")
    school_decision: bool = Field(
        default=False,
        description="the school has decided to erase before the retention period ends "
        "(SEN records: date of birth + 31 years); needs school_decision_reason",
    )
    school_decision_reason: str | None = Field(default=None, max_length=REASON_MAX)


class RetentionOut(BaseModel):
    basis: RetentionBasis
    erasable_on: date | None
    school_decision_reason: str | None


class ErasureOut(BaseModel):
    pupil_id: uuid.UUID
    school_id: uuid.UUID
    retention: RetentionOut
    rows_erased: dict[str, int] = Field(description="table -> rows deleted")
    rows_scrubbed: dict[str, int] = Field(
        description="table -> rows kept with the pupil's values taken out: audit entries "
        "(values become `erased`) and stored import reports (UPN and MIS id)"
    )

    @classmethod
    def of(cls, e: Erasure) -> "ErasureOut":
        return cls(
            pupil_id=e.pupil_id,
            school_id=e.school_id,
            retention=RetentionOut(
                basis=e.decision.basis,
                erasable_on=e.decision.erasable_on,
                school_decision_reason=e.decision.school_decision_reason,
            ),
            rows_erased=e.rows_erased,
            rows_scrubbed=e.rows_scrubbed,
        )
