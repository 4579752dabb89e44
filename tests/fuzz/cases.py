"""Draw a fixed, small set of schemathesis cases for one operation, the same on every run."""

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case

EXAMPLES_PER_OPERATION = 6


def draw_cases(
    strategy: st.SearchStrategy[Case[Any]], examples: int = EXAMPLES_PER_OPERATION
) -> list[Case[Any]]:
    """The same few cases on every run: derandomized, no database of past failures."""
    drawn: list[Case[Any]] = []

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(case: Case[Any]) -> None:
        drawn.append(case)

    collect()
    return drawn
