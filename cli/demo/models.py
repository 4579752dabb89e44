"""The demo's expected-progress models: the rates its targets are set from, as rate models,
so the progress engine (and every report) has bands to show for the demo trust.

Rates are steps a year: the targets' steps per window (cli.demo.targets.EXPECTED_RATE)
times six modules a year. The Engagement Model gets none: the DfE gives it no expected
rate, and its pupils are reported as not compared, as a school would report them.
"""

from dataclasses import dataclass

from cli.demo.scales import Scale
from cli.demo.targets import EXPECTED_RATE
from domain.analytics.progress import RateRule

MODULES_A_YEAR = 6
#: a start range wide enough for every step of every demo scale
_ANY_START = (0.0, 1000.0)


@dataclass(frozen=True, slots=True)
class ModelPlan:
    scale: Scale
    name: str
    pathway: str | None
    steps_a_year: float

    @property
    def rules(self) -> tuple[RateRule, ...]:
        return (RateRule(*_ANY_START, rate_per_year=self.steps_a_year),)


def _rate(pathway: str) -> float:
    return round(EXPECTED_RATE[pathway] * MODULES_A_YEAR, 2)


MODELS = [
    ModelPlan(Scale.SMALL_STEPS, "Small Steps: expected rate", None, _rate("semi-formal")),
    *(
        ModelPlan(Scale.SMALL_STEPS, f"Small Steps: {p} pathway", p, _rate(p))
        for p in ("formal", "semi-formal", "pre-formal")
    ),
    ModelPlan(Scale.BROOK, "Brook PMLD: expected rate", None, _rate("Brook / PMLD")),
    *(
        ModelPlan(Scale.FUNCTIONAL_SKILLS, f"Functional Skills: {p}", p, _rate(p))
        for p in ("KS3 tuition", "KS4 programme")
    ),
    ModelPlan(
        Scale.FUNCTIONAL_SKILLS, "Functional Skills: expected rate", None, _rate("KS3 tuition")
    ),
]
