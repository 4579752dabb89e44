"""Assessment frameworks: named strands judged on one ordered scale of small steps.

Examples from the schools: Pupil Asset's Reading/Writing/.../PSP on steps
"Beginning".."Embedded+"; the Brook PMLD pathway's Communication, Cognition,
Environmental Control Technology, Physical and PSEW on K1.1..K8.6; the
Engagement Model's five areas; functional skills Entry 1..Level 2.
"""

import math
import uuid
from dataclasses import dataclass
from itertools import pairwise

from domain.kernel.errors import Problem

#: the most strands one framework has (the widest seed framework has a dozen)
MAX_STRANDS = 100
#: the most steps one scale has (Brook's K1.1..K8.6 is 48); a scale's steps are a list that
#: readers (GraphQL among them) take whole, so it is bounded here
MAX_STEPS = 500


@dataclass(frozen=True, slots=True)
class Step:
    """A point on the scale; `value` orders steps and measures progress between them."""

    id: uuid.UUID
    code: str
    label: str
    value: float


@dataclass(frozen=True, slots=True)
class Strand:
    id: uuid.UUID
    code: str
    name: str
    position: int


@dataclass(slots=True)
class Framework:
    """Owned by a trust (shared by its schools) or by one school."""

    id: uuid.UUID
    name: str
    strands: list[Strand]
    steps: list[Step]
    trust_id: uuid.UUID | None = None
    school_id: uuid.UUID | None = None
    description: str = ""
    version: int = 1

    def __post_init__(self) -> None:
        self.steps.sort(key=lambda s: s.value)
        self.strands.sort(key=lambda s: s.position)

    def step(self, step_id: uuid.UUID) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def step_by_code(self, code: str) -> Step | None:
        return next((s for s in self.steps if s.code == code), None)

    def strand(self, strand_id: uuid.UUID) -> Strand | None:
        return next((s for s in self.strands if s.id == strand_id), None)

    def usable_by(self, school_id: uuid.UUID, school_trust_id: uuid.UUID | None) -> bool:
        return self.school_id == school_id or (
            self.trust_id is not None and self.trust_id == school_trust_id
        )

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        if (self.trust_id is None) == (self.school_id is None):
            found.append(
                Problem("owner", "a framework is owned by a trust or by a school", "owner")
            )
        if not self.name.strip():
            found.append(Problem("name", "must not be blank", "blank"))
        if not self.strands:
            found.append(Problem("strands", "a framework needs at least one strand", "required"))
        if len(self.steps) < 2:
            found.append(Problem("steps", "a scale needs at least two steps", "required"))
        if len(self.strands) > MAX_STRANDS:
            found.append(Problem("strands", f"at most {MAX_STRANDS} strands", "too_many"))
        if len(self.steps) > MAX_STEPS:
            found.append(Problem("steps", f"a scale has at most {MAX_STEPS} steps", "too_many"))
        found += _unique("strands", "code", [s.code for s in self.strands])
        found += _unique("strands", "name", [s.name for s in self.strands])
        found += _unique("steps", "code", [s.code for s in self.steps])
        for i, (a, b) in enumerate(pairwise(self.steps), start=1):
            if a.value == b.value:
                found.append(
                    Problem(
                        f"steps[{i}].value",
                        f"{b.code} has the same value as {a.code}",
                        "scale.order",
                    )
                )
        for i, s in enumerate(self.steps):
            if not s.code.strip():
                found.append(Problem(f"steps[{i}].code", "must not be blank", "blank"))
            if not math.isfinite(s.value):
                found.append(Problem(f"steps[{i}].value", "must be a finite number", "number"))
        for i, st in enumerate(self.strands):
            if not st.name.strip() or not st.code.strip():
                found.append(Problem(f"strands[{i}]", "code and name must not be blank", "blank"))
        return found


def _unique(collection: str, attr: str, values: list[str]) -> list[Problem]:
    seen: set[str] = set()
    found = []
    for i, v in enumerate(values):
        if v in seen:
            found.append(Problem(f"{collection}[{i}].{attr}", f"{v!r} is used twice", "duplicate"))
        seen.add(v)
    return found
