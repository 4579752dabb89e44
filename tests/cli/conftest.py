"""CLI tests: commands run in-process through Typer's CliRunner against the session's database.

The commands call asyncio.run themselves, which cannot happen inside pytest-asyncio's
running loop, so these are plain (sync) tests; they read results back with asyncio.run too.
"""

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest
from typer.testing import CliRunner, Result

from cli.main import app
from persistence.database import Database
from persistence.settings import DatabaseSettings

T = TypeVar("T")
Stepwise = Callable[..., Result]


def point_at(monkeypatch: pytest.MonkeyPatch, database_url: str, data_dir: Path) -> None:
    """Settings as the CLI reads them: this session's database, a throwaway data directory."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("STEPWISE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DATABASE_DATA_DIR", str(data_dir))


@pytest.fixture
def data_dir(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    point_at(monkeypatch, database_url, tmp_path)
    return tmp_path


@pytest.fixture
def stepwise(data_dir: Path) -> Stepwise:
    """`stepwise ARGS...` in-process; `input` is typed at any prompt."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input)

    return invoke


@pytest.fixture(scope="module")
def demo(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Result:
    """`stepwise demo`, loaded once for the module that asks for it."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        point_at(monkeypatch, database_url, tmp_path_factory.mktemp("demo-data"))
        result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    return result


def read(database_url: str, work: Callable[[Database], Coroutine[Any, Any, T]]) -> T:
    """Run `work` against the test database in an event loop of its own."""

    async def main() -> T:
        database = Database.connect(database_url, DatabaseSettings(url=database_url))
        try:
            return await work(database)
        finally:
            await database.dispose()

    return asyncio.run(main())
