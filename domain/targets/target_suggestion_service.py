"""Use cases for suggested targets: read the suggestions for a new year, and set them.

Suggestions are computed in the database from a percentile model's reference cells
(domain.target_suggestion). Reading them is analysis (READ_ANALYTICS, scoped like cohort
analysis); setting them writes targets, so it needs WRITE_ASSESSMENT in the school and
follows set_target's rule of one current target per pupil, strand and year.
"""

import enum
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from domain.analytics.ports import HasProgress, HasQuality
from domain.analytics.progress_service import analysis_schools
from domain.assessment.ports import HasFrameworks, HasModules
from domain.kernel.access import Permission, Principal
from domain.kernel.calendar import AcademicYear
from domain.kernel.clock import SYSTEM_CLOCK, Clock
from domain.kernel.errors import InvariantViolation, invalid
from domain.kernel.paging import Page, PageRequest
from domain.kernel.references import not_in_future
from domain.kernel.transaction import Transaction
from domain.organisation.ports import HasSchools
from domain.pupils.ports import HasPupils
from domain.pupils.references import require_filter_scope
from domain.targets.ports import HasTargets
from domain.targets.target_service import SetTarget, new_target
from domain.targets.target_suggestion import (
    NoSuggestion,
    PupilSuggestions,
    SuggestionQuery,
    TargetSuggestion,
    percentile_problems,
)


class TargetSuggestionWork(
    HasFrameworks,
    HasModules,
    HasProgress,
    HasPupils,
    HasQuality,
    HasSchools,
    HasTargets,
    Transaction,
    Protocol,
):
    """What these use cases need of the unit of work."""


@dataclass(frozen=True, slots=True)
class SuggestionRequest:
    academic_year: str
    school_id: uuid.UUID | None = None
    strand_id: uuid.UUID | None = None
    pupil_id: uuid.UUID | None = None
    percentile: int = 50


@dataclass(frozen=True, slots=True)
class SuggestionReport:
    academic_year: str
    percentile: int
    school_ids: list[uuid.UUID]
    pupils: Page[PupilSuggestions]


def _checked(academic_year: str, percentile: int) -> AcademicYear:
    year = AcademicYear.parse(academic_year)
    if problems := percentile_problems(percentile):
        raise InvariantViolation(problems)
    return year


async def suggest_targets(
    uow: TargetSuggestionWork, actor: Principal, request: SuggestionRequest, page: PageRequest
) -> SuggestionReport:
    """A page of pupils on roll when the year starts, each with a suggestion per strand."""
    year = _checked(request.academic_year, request.percentile)
    async with uow:
        schools = await analysis_schools(uow, actor, request.school_id, None)
        await require_filter_scope(uow, actor, pupil_id=request.pupil_id)
        query = SuggestionQuery(
            academic_year=year.label,
            school_ids=tuple(schools),
            percentile=request.percentile,
            strand_id=request.strand_id,
            pupil_ids=(request.pupil_id,) if request.pupil_id else (),
        )
        pupils = await uow.progress.target_suggestions(query, page)
    return SuggestionReport(year.label, request.percentile, schools, pupils)


@dataclass(frozen=True, slots=True)
class ApplySuggestions:
    """Set the suggested targets of one school's pupils (all on roll, or `pupil_ids`)."""

    academic_year: str
    school_id: uuid.UUID
    percentile: int = 50
    strand_id: uuid.UUID | None = None
    pupil_ids: tuple[uuid.UUID, ...] = ()
    set_on: date | None = None


class Outcome(enum.StrEnum):
    SET = "set"
    SKIPPED = "skipped"


#: Why a row was skipped, beyond domain.target_suggestion.NoSuggestion's reasons.
HAS_CURRENT_TARGET = "has_current_target"
NOT_ON_ROLL = "not_on_roll"


@dataclass(frozen=True, slots=True)
class AppliedSuggestion:
    """What happened to one pupil and strand (strand None: the pupil was not on roll)."""

    pupil_id: uuid.UUID
    strand_id: uuid.UUID | None
    outcome: Outcome
    suggestion: TargetSuggestion | None
    target_id: uuid.UUID | None = None
    code: str | None = None
    reason: str = ""


def _rationale(s: TargetSuggestion) -> str:
    learners = s.reference.learners if s.reference else 0
    gain = s.reference.gain_per_year if s.reference else None
    per_year = f", {gain:.2f} steps a year" if gain is not None else ""
    return (
        f"suggested by {s.model_label}: the {s.percentile}th percentile of {learners} "
        f"similar learners{per_year}, from {s.start_value:g}"
    )


def _step_or_skip(s: TargetSuggestion) -> uuid.UUID | AppliedSuggestion:
    """The step to set, or why this row is skipped."""
    if s.no_suggestion is not None or s.suggested_step_id is None:
        code = (s.no_suggestion or NoSuggestion.BELOW_SCALE).value
        return AppliedSuggestion(
            s.pupil_id, s.strand_id, Outcome.SKIPPED, s, code=code, reason=s.reason
        )
    if s.current_target_id is not None:
        status = f" ({s.current_target_status.value})" if s.current_target_status else ""
        return AppliedSuggestion(
            s.pupil_id,
            s.strand_id,
            Outcome.SKIPPED,
            s,
            target_id=s.current_target_id,
            code=HAS_CURRENT_TARGET,
            reason=f"the pupil already has a current{status} target for this strand and year; "
            "revise it",
        )
    return s.suggested_step_id


async def apply_suggestions(
    uow: TargetSuggestionWork, actor: Principal, cmd: ApplySuggestions, clock: Clock = SYSTEM_CLOCK
) -> list[AppliedSuggestion]:
    """Set each suggested target that can be set, and say why each other row was skipped.

    Not all-or-nothing: a row without a suggestion, or whose pupil already has a current
    target for the strand and year, is skipped and the rest are set. The rows that are set
    are saved in one transaction, so if someone sets one of the same targets meanwhile the
    request fails as a conflict and nothing is set (asking again then skips that row).
    """
    year = _checked(cmd.academic_year, cmd.percentile)
    actor.require(Permission.WRITE_ASSESSMENT, cmd.school_id)
    not_in_future(cmd.set_on, clock.today(), "set_on")
    asked = tuple(dict.fromkeys(cmd.pupil_ids))
    results: list[AppliedSuggestion] = []
    async with uow:
        if await uow.schools.get(cmd.school_id) is None:
            raise invalid("school_id", "no such school", "reference")
        query = SuggestionQuery(year.label, (cmd.school_id,), cmd.percentile, cmd.strand_id, asked)
        pupils = (await uow.progress.target_suggestions(query)).items
        now = clock.now()
        for suggestion in (s for pupil in pupils for s in pupil.suggestions):
            step_id = _step_or_skip(suggestion)
            if isinstance(step_id, AppliedSuggestion):
                results.append(step_id)
                continue
            target = new_target(
                SetTarget(
                    suggestion.pupil_id,
                    suggestion.strand_id,
                    year,
                    step_id,
                    _rationale(suggestion),
                    cmd.set_on,
                ),
                suggestion.school_id,
                actor,
                now,
            )
            await uow.targets.add(target)
            await uow.targets.add_revision(target.school_id, target.history[-1])
            results.append(
                AppliedSuggestion(
                    target.pupil_id, target.strand_id, Outcome.SET, suggestion, target.id
                )
            )
        await uow.commit()
    on_roll = {p.pupil_id for p in pupils}
    results += [
        AppliedSuggestion(
            pupil_id,
            None,
            Outcome.SKIPPED,
            None,
            code=NOT_ON_ROLL,
            reason=f"no such pupil on roll at the school when {year.label} starts",
        )
        for pupil_id in asked
        if pupil_id not in on_roll
    ]
    return results
