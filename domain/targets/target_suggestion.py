"""Suggested scale targets for a new year, from what similar learners achieved.

For a pupil on roll when the year starts, on a strand whose framework has an active
percentile model (the one for the pupil's pathway, else the framework's general one):

    start      their latest judgement before the year starts (1 September)
    cell       the model's reference cell for the strand, the start band
               (floor(start / width)), the age band (age when the year starts //
               years) and, when the model matches on need, the primary need then
    suggested  the highest step of the scale whose value <= start + the cell's 50th
               (or 75th) percentile gain per year x 1 year: rounded down to a real step,
               so a suggestion never asks for more than similar learners made

No suggestion is made without a start, without a cell, or when the cell has fewer
learners than the model's `min_peers`; each says why. A suggestion names the model
version and the number of learners behind it.
"""

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.analytics.progress import RATIO_TOLERANCE
from domain.assessment.framework import Step
from domain.kernel.errors import Problem
from domain.targets.target import TargetStatus

#: The percentiles of similar learners' gains a target can be suggested from.
PERCENTILES = (50, 75)


class NoSuggestion(enum.StrEnum):
    """Why a pupil and strand have no suggested target."""

    NO_START = "no_start"
    NO_REFERENCE_CELL = "no_reference_cell"
    TOO_FEW_PEERS = "too_few_peers"
    BELOW_SCALE = "below_scale"


def percentile_problems(percentile: int) -> list[Problem]:
    if percentile not in PERCENTILES:
        listed = " or ".join(str(p) for p in PERCENTILES)
        reason = f"{listed}: a percentile of similar learners' gains"
        return [Problem("percentile", reason, "range")]
    return []


def round_down_to_step(steps: Sequence[Step], bound: float) -> Step | None:
    """The highest step whose value is at most `bound` (with the engine's slack, so
    3 + 2.9999999999 reaches step 6), or None when every step is above it."""
    reachable = [s for s in steps if s.value <= bound + RATIO_TOLERANCE]
    return max(reachable, key=lambda s: s.value, default=None)


@dataclass(frozen=True, slots=True)
class SuggestionQuery:
    """Suggestions for the pupils of `school_ids` on roll when `academic_year` starts."""

    academic_year: str
    school_ids: tuple[uuid.UUID, ...]
    percentile: int = 50
    strand_id: uuid.UUID | None = None
    pupil_ids: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True, slots=True)
class ReferenceUsed:
    """The reference cell a suggestion came from (learners 0 when there is none)."""

    start_band: int
    age_band: int
    primary_need: str
    learners: int
    gain_per_year: float | None  # the chosen percentile


@dataclass(frozen=True, slots=True)
class TargetSuggestion:
    """One pupil and strand: where they start, the cell, and the step suggested (if any)."""

    pupil_id: uuid.UUID
    school_id: uuid.UUID
    strand_id: uuid.UUID
    framework_id: uuid.UUID
    percentile: int
    start_step_id: uuid.UUID | None
    start_value: float | None
    start_on: date | None
    model_id: uuid.UUID
    model_label: str
    min_peers: int
    reference: ReferenceUsed | None
    suggested_step_id: uuid.UUID | None
    suggested_value: float | None
    no_suggestion: NoSuggestion | None
    current_target_id: uuid.UUID | None
    current_target_status: TargetStatus | None

    @property
    def reason(self) -> str:
        """Why there is no suggestion, in words; "" when there is one."""
        if self.no_suggestion is NoSuggestion.NO_START:
            return "no judgement on this strand before the year starts"
        if self.no_suggestion is NoSuggestion.NO_REFERENCE_CELL:
            return f"no similar learners in {self.model_label}"
        if self.no_suggestion is NoSuggestion.TOO_FEW_PEERS:
            learners = self.reference.learners if self.reference else 0
            return (
                f"too few similar learners: {learners}, where {self.model_label} "
                f"needs {self.min_peers}"
            )
        if self.no_suggestion is NoSuggestion.BELOW_SCALE:
            return "similar learners' gain falls below the lowest step of the scale"
        return ""


@dataclass(frozen=True, slots=True)
class PupilSuggestions:
    """A pupil on roll when the year starts and their suggestion for each strand (none when
    no framework their school uses has a percentile model)."""

    pupil_id: uuid.UUID
    school_id: uuid.UUID
    suggestions: list[TargetSuggestion]
