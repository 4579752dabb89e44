"""The demo's assessment frameworks, shaped like the seed schools' own.

Small Steps is Pupil Asset's stepped scale (eight stages of Beginning..Embedded+);
the Brook PMLD pathway runs K1.1..K8.6 from Pre-intentional to Establishing; the
Engagement Model's five areas get a school-defined scale (the DfE prescribes no
score); the PRU's Functional Skills ladder has "working towards" half steps.
"""

import enum
from dataclasses import dataclass

from domain.assessment.framework_service import StepSpec, StrandSpec


class Scale(enum.StrEnum):
    SMALL_STEPS = "small_steps"
    BROOK = "brook"
    ENGAGEMENT = "engagement"
    FUNCTIONAL_SKILLS = "functional_skills"


@dataclass(frozen=True, slots=True)
class FrameworkPlan:
    scale: Scale
    name: str
    description: str
    strands: list[StrandSpec]
    steps: list[StepSpec]
    owner: str  # "trust", or the key of the school that owns it


_SMALL_STEPS = [
    ("Beg", "Beginning"),
    ("Beg+", "Beginning+"),
    ("Dev", "Developing"),
    ("Dev+", "Developing+"),
    ("Emb", "Embedded"),
    ("Emb+", "Embedded+"),
]

_BROOK_STAGES = [
    "Pre-intentional",
    "Reactive",
    "Responsive",
    "Intentional",
    "Early communication",
    "Exploring",
    "Developing",
    "Establishing",
]

_FUNCTIONAL_LEVELS = [("E1", "Entry 1"), ("E2", "Entry 2"), ("E3", "Entry 3"), ("L1", "Level 1")]


def _small_steps() -> list[StepSpec]:
    return [
        StepSpec(f"S{stage}-{code}", f"Stage {stage} {label}", float((stage - 1) * 6 + n))
        for stage in range(1, 9)
        for n, (code, label) in enumerate(_SMALL_STEPS, start=1)
    ]


def _brook_steps() -> list[StepSpec]:
    return [
        StepSpec(f"K{stage}.{n}", f"K{stage} {name}, step {n}", float((stage - 1) * 6 + n))
        for stage, name in enumerate(_BROOK_STAGES, start=1)
        for n in range(1, 7)
    ]


def _functional_steps() -> list[StepSpec]:
    steps = [StepSpec("PE", "Pre-entry", 0.0)]
    for code, label in [*_FUNCTIONAL_LEVELS, ("L2", "Level 2")]:
        value = steps[-1].value + 1
        steps.append(StepSpec(f"{code}-WT", f"Working towards {label}", value))
        steps.append(StepSpec(code, label, value + 1))
    return steps


FRAMEWORKS = [
    FrameworkPlan(
        Scale.SMALL_STEPS,
        "Small Steps",
        "Pupil Asset-style stepped scale: eight stages of six one-point steps.",
        [
            StrandSpec("READ", "Reading"),
            StrandSpec("WRIT", "Writing"),
            StrandSpec("SPEAK", "Speaking"),
            StrandSpec("LIST", "Listening"),
            StrandSpec("MATHS", "Maths"),
            StrandSpec("PSPD", "PSPD"),
        ],
        _small_steps(),
        owner="trust",
    ),
    FrameworkPlan(
        Scale.BROOK,
        "Brook PMLD pathway",
        "Small-step progress for PMLD pupils, Pre-intentional (K1) to Establishing (K8).",
        [
            StrandSpec("COMM", "Communication"),
            StrandSpec("COG", "Cognition"),
            StrandSpec("ECT", "Environmental Control Technology"),
            StrandSpec("PHYS", "Physical"),
            StrandSpec("PSEW", "PSEW"),
        ],
        _brook_steps(),
        owner="trust",
    ),
    FrameworkPlan(
        Scale.ENGAGEMENT,
        "Engagement Model",
        "The DfE's five areas of engagement on the trust's own scale (no national score).",
        [
            StrandSpec("EXPL", "Exploration"),
            StrandSpec("REAL", "Realisation"),
            StrandSpec("ANTI", "Anticipation"),
            StrandSpec("PERS", "Persistence"),
            StrandSpec("INIT", "Initiation"),
        ],
        [
            StepSpec("NY", "Not yet", 0.0),
            StepSpec("EMG", "Emerging", 1.0),
            StepSpec("DEV", "Developing", 2.0),
            StepSpec("SEC", "Secure", 3.0),
            StepSpec("GEN", "Generalising", 4.0),
        ],
        owner="trust",
    ),
    FrameworkPlan(
        Scale.FUNCTIONAL_SKILLS,
        "Functional Skills",
        "ForSkills-style English and maths levels with working-towards half steps.",
        [StrandSpec("ENG", "English"), StrandSpec("MATHS", "Maths")],
        _functional_steps(),
        owner="riverside",
    ),
]
