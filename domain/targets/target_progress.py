"""Is a pupil on track to meet a scale target by the end of the year?

At an assessment point each current target is compared with where the pupil is now
(the judgement at that module, at its moderated value) and where they will be at the
end of the school's last module of the year if they keep going as they have:

    rate       observed: (current - start) / days on roll from start to now; when there
               is only one judgement so far (or no days on roll between the two), the
               pupil's expected-progress model: its steps a year / 365.25
    projected  current + rate x days on roll remaining to the end of the year

    current >= target                                    -> met
    projected >= target                                  -> on track
    projected gain < far_behind_ratio x the gain needed,
      and at least min_elapsed_fraction of the pupil's
      time this year has passed                          -> too challenging (suggested)
    otherwise                                            -> behind

`start` is the pupil's baseline judgement in the year, else their first judgement of
the year. The fraction of the year passed is the pupil's own: days on roll from start
to now over days on roll from start to the end of the year, so a pupil who joined in
March is not judged on two weeks' evidence. None of this changes a target's status:
it reports and suggests, and people decide.
"""

import enum
import math
import uuid
from dataclasses import dataclass, field
from datetime import date

from domain.analytics.progress import RATIO_TOLERANCE, AssessmentPoint
from domain.kernel.errors import Problem
from domain.targets.target import TargetStatus


class TrackStatus(enum.StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    TOO_CHALLENGING_SUGGESTED = "too_challenging_suggested"
    #: no judgement at the module, so nothing to compare
    NOT_JUDGED = "not_judged"
    #: judged below the target, but no rate to project with (no model rule for the pupil)
    INSUFFICIENT_DATA = "insufficient_data"


class RateSource(enum.StrEnum):
    OBSERVED = "observed"
    MODEL = "model"


@dataclass(frozen=True, slots=True)
class TrackingRules:
    """When a target counts as far enough behind to suggest it is too challenging."""

    far_behind_ratio: float = 0.5
    min_elapsed_fraction: float = 1 / 3

    def problems(self) -> list[Problem]:
        found = []
        if not (math.isfinite(self.far_behind_ratio) and 0 < self.far_behind_ratio <= 1):
            found.append(
                Problem("far_behind_ratio", "a number above 0 and at most 1, e.g. 0.5", "range")
            )
        if not (math.isfinite(self.min_elapsed_fraction) and 0 <= self.min_elapsed_fraction <= 1):
            found.append(
                Problem("min_elapsed_fraction", "a number from 0 to 1, e.g. 0.333", "range")
            )
        return found


def track_status(
    start: float | None,
    current: float | None,
    target: float,
    projected: float | None,
    elapsed_fraction: float | None,
    rules: TrackingRules,
) -> TrackStatus:
    """The status of one target (see the module docstring); the SQL in
    persistence/analytics/targets.py says the same, and a test proves they agree."""
    if current is None or start is None:
        return TrackStatus.NOT_JUDGED
    if current >= target:
        return TrackStatus.MET
    if projected is None:
        return TrackStatus.INSUFFICIENT_DATA
    if projected >= target - RATIO_TOLERANCE:
        return TrackStatus.ON_TRACK
    needed = target - start
    far_behind = projected - start < rules.far_behind_ratio * needed - RATIO_TOLERANCE
    long_enough = (
        elapsed_fraction is not None
        and elapsed_fraction >= rules.min_elapsed_fraction - RATIO_TOLERANCE
    )
    if needed > 0 and far_behind and long_enough:
        return TrackStatus.TOO_CHALLENGING_SUGGESTED
    return TrackStatus.BEHIND


@dataclass(frozen=True, slots=True)
class TargetProgressQuery:
    """Which targets to report on, as at an assessment point, and how to judge them."""

    point: AssessmentPoint
    school_ids: tuple[uuid.UUID, ...]
    current_year_start: int  # the academic year "today" is in, to date pupils' year groups
    strand_id: uuid.UUID | None = None
    pupil_id: uuid.UUID | None = None
    status: TrackStatus | None = None
    rules: TrackingRules = field(default_factory=TrackingRules)


@dataclass(frozen=True, slots=True)
class TrackedStep:
    step_id: uuid.UUID
    value: float
    on: date


@dataclass(frozen=True, slots=True)
class TargetProgress:
    """One current target at an assessment point, with the evidence for its status."""

    target_id: uuid.UUID
    school_id: uuid.UUID
    pupil_id: uuid.UUID
    strand_id: uuid.UUID
    framework_id: uuid.UUID
    target_status: TargetStatus
    target_step_id: uuid.UUID
    target_value: float
    start: TrackedStep | None
    current: TrackedStep | None
    days_elapsed: int | None
    days_remaining: int | None
    elapsed_fraction: float | None
    rate_per_year: float | None
    rate_source: RateSource | None
    projected_value: float | None
    status: TrackStatus
    model_id: uuid.UUID | None
    model_label: str | None
    model_rate_per_year: float | None

    @property
    def needed_gain(self) -> float | None:
        return None if self.start is None else self.target_value - self.start.value

    @property
    def projected_gain(self) -> float | None:
        if self.start is None or self.projected_value is None:
            return None
        return self.projected_value - self.start.value
