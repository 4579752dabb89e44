"""/analytics/missing-judgements: who still needs judging at a module."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.dependencies import AnalyticsUowDep, PrincipalDep
from domain.analytics import progress_service
from domain.analytics.data_quality import MissingReport
from domain.analytics.progress import AssessmentPoint

router = APIRouter(tags=["progress"])


class MissingOut(BaseModel):
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    strand_id: uuid.UUID | None = Field(description="null: the pupil has never been judged")


class StrandGapOut(BaseModel):
    strand_id: uuid.UUID | None
    missing: int


class MissingReportOut(BaseModel):
    academic_year: str
    module: int
    school_ids: list[uuid.UUID]
    total: int
    truncated: bool = Field(description="more missing than `limit`: items holds the first ones")
    by_strand: list[StrandGapOut]
    items: list[MissingOut]

    @classmethod
    def of(cls, r: MissingReport) -> "MissingReportOut":
        return cls(
            academic_year=r.point.academic_year,
            module=r.point.sequence,
            school_ids=r.school_ids,
            total=r.total,
            truncated=r.truncated,
            by_strand=[
                StrandGapOut(strand_id=s, missing=n)
                for s, n in sorted(r.by_strand.items(), key=lambda kv: str(kv[0] or ""))
            ],
            items=[
                MissingOut(school_id=m.school_id, pupil_id=m.pupil_id, strand_id=m.strand_id)
                for m in r.items
            ],
        )


@router.get("/analytics/missing-judgements")
async def missing_judgements(
    uow: AnalyticsUowDep,
    principal: PrincipalDep,
    academic_year: Annotated[str, Query(pattern=r"^\d{4}/\d{2}$", examples=["2023/24"])],
    module: Annotated[int, Query(ge=1, le=20)],
    school_id: uuid.UUID | None = None,
    trust_id: uuid.UUID | None = None,
    strand_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> MissingReportOut:
    """Pupils on roll during the module who have no judgement at it on a strand of a framework
    they are judged on in their school (or no judgement at all), with counts per strand."""
    report = await progress_service.missing_judgements(
        uow,
        principal,
        AssessmentPoint(academic_year, module),
        school_id,
        trust_id,
        strand_id,
        limit,
    )
    return MissingReportOut.of(report)
