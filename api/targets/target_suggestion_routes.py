"""/targets/suggestions: targets for a new year from what similar learners gained."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.dependencies import PageDep, PrincipalDep, UowDep
from api.schemas import page_out
from api.targets.target_suggestion_schemas import (
    AppliedListOut,
    AppliedOut,
    ApplyIn,
    PupilSuggestionsOut,
    SuggestionPageOut,
)
from domain.targets import target_suggestion_service as service
from domain.targets.target_suggestion_service import Outcome

router = APIRouter(tags=["targets"])


@router.get("/targets/suggestions")
async def suggest_targets(
    request: Request,
    response: Response,
    uow: UowDep,
    principal: PrincipalDep,
    page: PageDep,
    academic_year: Annotated[str, Query(pattern=r"^\d{4}/\d{2}$", examples=["2024/25"])],
    school_id: uuid.UUID | None = None,
    strand_id: uuid.UUID | None = None,
    pupil_id: uuid.UUID | None = None,
    percentile: Annotated[int, Query(description="50 or 75")] = 50,
) -> SuggestionPageOut:
    """For each pupil on roll when `academic_year` starts (a page of pupils, `limit` per page)
    and each strand whose framework has an active percentile model: their latest judgement
    before the year, the model's reference cell of similar learners, and the suggested step:
    the highest step of the scale at or below start + the cell's 50th (or 75th) percentile
    gain a year. Cells with fewer learners than the model's `min_peers` suggest nothing and
    say so. Nothing is set: see POST /targets/suggestions/apply."""
    report = await service.suggest_targets(
        uow,
        principal,
        service.SuggestionRequest(academic_year, school_id, strand_id, pupil_id, percentile),
        page,
    )
    items = [PupilSuggestionsOut.of(p) for p in report.pupils.items]
    paged = page_out(report.pupils, items, request, response)
    return SuggestionPageOut(
        academic_year=report.academic_year,
        percentile=report.percentile,
        school_ids=report.school_ids,
        items=paged.items,
        next_cursor=paged.next_cursor,
    )


@router.post("/targets/suggestions/apply")
async def apply_suggestions(body: ApplyIn, uow: UowDep, principal: PrincipalDep) -> AppliedListOut:
    """Set the suggested targets of one school's pupils (every pupil on roll when the year
    starts, or `pupil_ids`), as POST /targets would: one current target per pupil, strand
    and year, with the model, percentile and learners in its rationale.

    **Not all-or-nothing**: each row says whether its target was `set` or `skipped`, and
    why (no suggestion, the pupil already has a current target, not on roll). The targets
    that are set are saved together: if someone sets one of them at the same moment the
    request answers 409 and sets none; asking again skips that one. Needs write_assessment
    in the school."""
    results = await service.apply_suggestions(
        uow,
        principal,
        service.ApplySuggestions(
            **body.model_dump(exclude={"pupil_ids"}), pupil_ids=tuple(body.pupil_ids)
        ),
    )
    return AppliedListOut(
        academic_year=body.academic_year,
        school_id=body.school_id,
        percentile=body.percentile,
        set=sum(r.outcome is Outcome.SET for r in results),
        skipped=sum(r.outcome is Outcome.SKIPPED for r in results),
        results=[AppliedOut.of(r) for r in results],
    )
