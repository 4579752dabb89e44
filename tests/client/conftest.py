"""The Python client against a real `stepwise serve` process (see tests/live_server.py)."""

from collections.abc import Iterator

import pytest

from api.settings import ApiSettings
from tests.live_server import live_server


@pytest.fixture(scope="session")
def api_url(settings: ApiSettings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(settings, tmp_path_factory.mktemp("client-server")) as url:
        yield url
