"""Fixtures for the REST tests."""

import httpx
import pytest

from api.runtime import Runtime
from tests.factories import World


@pytest.fixture(scope="module")
async def shared_world(runtime: Runtime) -> World:
    """One World for all the tests of a module, since building one hashes six passwords.

    Tests that write make their own pupils (or schools), so they never trip over each
    other's rows; tests that need a whole trust to themselves use the `world` fixture.
    """
    return await World.build(runtime)


@pytest.fixture(scope="session")
async def shared_other_world(runtime: Runtime) -> World:
    """A second, unrelated trust whose ids stand for "another trust". Tests only read it."""
    return await World.build(runtime)


@pytest.fixture(autouse=True)
def _server_errors_fail_rest_tests(request: pytest.FixtureRequest) -> None:
    """In the REST test modules any 5xx fails the test at once: it is a bug, never a result."""
    module = request.module.__name__.rsplit(".", 1)[-1]
    if not module.startswith("test_rest_") or "client" not in request.fixturenames:
        return
    client: httpx.AsyncClient = request.getfixturevalue("client")

    async def refuse(response: httpx.Response) -> None:
        if response.status_code >= 500:
            await response.aread()
            raise AssertionError(
                f"{response.request.method} {response.request.url} answered "
                f"{response.status_code}: {response.text}"
            )

    client.event_hooks["response"].append(refuse)
