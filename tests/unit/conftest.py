"""Fixtures for the pure domain tests: in-memory fakes only, no database."""

import pytest
from hypothesis import settings

from tests.unit.world import World

# no example database on disk, and no deadline flakiness on a busy CI machine
settings.register_profile("unit", database=None, deadline=None)
settings.load_profile("unit")


@pytest.fixture
def w() -> World:
    """A fresh trust with two schools, a foreign trust, frameworks, modules and pupils."""
    return World.build()
