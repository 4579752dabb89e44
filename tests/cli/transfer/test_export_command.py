"""`stepwise export`: a resource streamed from a running server to a file or stdout."""

import json
from pathlib import Path

import pytest

from stepwise_client import Stepwise
from tests.cli.transfer.cli_support import Command, command_for
from tests.factories import World
from tests.import_files import good_rows, write_csv

pytestmark = pytest.mark.slow


@pytest.fixture
def stepwise(api_url: str, world: World) -> Command:
    return command_for(api_url, world)


def _upns_of_good_rows(world: World) -> list[str]:
    return sorted(str(world.pupils[i].upn) for i in (0, 0, 1))


@pytest.fixture
def imported(api_url: str, world: World, tmp_path: Path) -> None:
    """The world's school with three judgements, imported through the client."""
    file = write_csv(tmp_path / "judgements.csv", good_rows(world))
    with Stepwise(api_url, client_id=world.client_id, client_secret=world.client_secret) as api:
        assert api.import_file("judgements", file, school=world.school.id).counts.inserted == 3


@pytest.mark.usefixtures("imported")
def test_an_export_is_written_to_the_file_once_complete(
    stepwise: Command, world: World, tmp_path: Path
) -> None:
    out = tmp_path / "exported.csv"

    result = stepwise("export", "judgements", "--school", world.school.urn, "-o", str(out))

    assert result.exit_code == 0, result.output
    header, *rows = out.read_text(encoding="utf-8").splitlines()
    assert header.startswith("upn,")
    assert sorted(row.split(",")[0] for row in rows) == _upns_of_good_rows(world)
    assert f"Exported 3 judgements row(s) ({out.stat().st_size} bytes) to {out}" in result.stderr
    assert not (tmp_path / "exported.csv.part").exists()


@pytest.mark.usefixtures("imported")
def test_an_exported_file_imports_back_unchanged(
    stepwise: Command, world: World, tmp_path: Path
) -> None:
    out = tmp_path / "exported.csv"
    assert (
        stepwise("export", "judgements", "--school", world.school.urn, "-o", str(out)).exit_code
        == 0
    )

    sent_back = stepwise(
        "import", str(out), "--school", world.school.urn, "--resource", "judgements"
    )

    assert sent_back.exit_code == 0, sent_back.output
    assert "inserted 0, updated 0, unchanged 3" in sent_back.stdout


@pytest.mark.usefixtures("imported")
def test_an_ndjson_export_goes_to_stdout_one_row_a_line(stepwise: Command, world: World) -> None:
    result = stepwise("export", "judgements", "--school", str(world.school.id),
                      "--format", "ndjson")  # fmt: skip

    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(row["upn"] for row in rows) == _upns_of_good_rows(world)
    assert "Exported 3 judgements row(s)" in result.stderr


def test_a_school_or_a_trust_must_be_named(stepwise: Command) -> None:
    result = stepwise("export", "judgements")

    assert result.exit_code == 2
    assert "give one of --school or --trust" in result.output


def test_a_refused_export_exits_2_and_leaves_no_file(
    stepwise: Command, world: World, tmp_path: Path
) -> None:
    out = tmp_path / "judgements.csv"

    result = stepwise("export", "judgements", "--school", world.school.urn,
                      "--academic-year", "last year", "-o", str(out))  # fmt: skip

    assert result.exit_code == 2
    assert "Refused (422" in result.stderr
    assert "academic_year:" in result.stderr
    assert not out.exists()
    assert not (tmp_path / "judgements.csv.part").exists()
