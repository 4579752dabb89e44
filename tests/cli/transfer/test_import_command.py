"""`stepwise import`: a file sent to a running server, its report read by a person."""

import re
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.cli.transfer.cli_support import Command, command_for
from tests.factories import World
from tests.import_files import good_rows, judgement_row, stored_judgements, write_csv

pytestmark = pytest.mark.slow


@pytest.fixture
def stepwise(api_url: str, world: World) -> Command:
    return command_for(api_url, world)


def test_a_file_is_imported_and_importing_it_again_leaves_every_row_unchanged(
    stepwise: Command, api_url: str, world: World, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "judgements.csv", good_rows(world))

    first = stepwise("import", str(file), "--school", world.school.urn)
    again = stepwise("import", str(file), "--school", world.school.urn)

    assert first.exit_code == 0, first.output
    assert "Imported 3 row(s)." in first.stdout
    assert "inserted 3, updated 0, unchanged 0, rejected 0" in first.stdout
    assert f"URN {world.school.urn}" in first.stdout
    size = file.stat().st_size
    assert "Sent judgements.csv" in first.stderr  # the progress bar, kept off stdout
    assert f"{size}/{size} bytes" in first.stderr
    assert again.exit_code == 0, again.output
    assert "inserted 0, updated 0, unchanged 3, rejected 0" in again.stdout
    assert len(stored_judgements(api_url, world)) == 3


def test_validate_reports_what_a_commit_would_do_and_writes_nothing(
    stepwise: Command, api_url: str, world: World, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "judgements.csv", good_rows(world))

    checked = stepwise("import", str(file), "--school", str(world.school.id), "--validate")

    assert checked.exit_code == 0, checked.output
    assert "Validated 3 row(s): every row is valid; nothing was written." in checked.stdout
    assert "would be inserted 3" in checked.stdout
    assert stored_judgements(api_url, world) == []


def test_rejected_rows_are_listed_by_line_and_field_and_exit_1(
    stepwise: Command, api_url: str, world: World, tmp_path: Path
) -> None:
    unknown_pupil = "Z000000000000,READ,2023/24,1,S2,2023-10-02"
    rows = [judgement_row(world), judgement_row(world, step="S99"),
            judgement_row(world, strand="SING"), unknown_pupil]  # fmt: skip
    file = write_csv(tmp_path / "judgements.csv", rows)

    result = stepwise("import", str(file), "--school", world.school.urn)

    assert result.exit_code == 1, result.output
    assert "Nothing imported: 3 of 4 row(s) rejected" in result.stdout
    listed = re.findall(r"^(\d+)\s+(\w+)\s+\S", result.stdout, flags=re.MULTILINE)
    assert listed == [("3", "step"), ("4", "strand"), ("5", "upn")]
    assert "Traceback" not in result.output
    assert stored_judgements(api_url, world) == []


def test_without_atomic_the_good_rows_are_written_and_the_bad_listed(
    stepwise: Command, api_url: str, world: World, tmp_path: Path
) -> None:
    file = write_csv(
        tmp_path / "judgements.csv", [judgement_row(world), judgement_row(world, step="S99")]
    )

    result = stepwise("import", str(file), "--school", world.school.urn, "--no-atomic")

    assert result.exit_code == 1, result.output
    assert "1 of 2 row(s) rejected and not written" in result.stdout
    assert "inserted 1," in result.stdout
    assert len(stored_judgements(api_url, world)) == 1


def test_a_retry_with_the_same_idempotency_key_is_replayed_not_written_twice(
    stepwise: Command, api_url: str, world: World, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "judgements.csv", good_rows(world))
    key = f"mis-nightly-{uuid.uuid4()}"

    first = stepwise("import", str(file), "--school", world.school.urn, "--idempotency-key", key)
    retry = stepwise("import", str(file), "--school", world.school.urn, "--idempotency-key", key)

    assert first.exit_code == 0, first.output
    assert retry.exit_code == 0, retry.output
    assert "a repeat" not in first.stdout
    assert "a repeat: the server's answer to the first import" in retry.stdout
    assert "inserted 3, updated 0, unchanged 0" in retry.stdout  # the first import's counts
    assert f"Idempotency-Key: {key}" in retry.stdout
    assert len(stored_judgements(api_url, world)) == 3


def test_the_resource_comes_from_the_file_name_or_must_be_named(
    stepwise: Command, world: World, tmp_path: Path
) -> None:
    unnamed = write_csv(tmp_path / "export.csv", good_rows(world))
    named = write_csv(tmp_path / "SIMS_judgement_2024.csv", good_rows(world))

    refused = stepwise("import", str(unnamed), "--school", world.school.urn)
    told = stepwise(
        "import", str(unnamed), "--school", world.school.urn, "--resource", "judgements"
    )
    inferred = stepwise("import", str(named), "--school", world.school.urn, "--validate")

    assert refused.exit_code == 2
    assert "--resource" in refused.output
    assert told.exit_code == 0, told.output
    assert inferred.exit_code == 0, inferred.output
    assert "unchanged 3" in inferred.stdout


def test_a_wrong_secret_exits_2_with_a_message_not_a_traceback(
    api_url: str, world: World, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "judgements.csv", good_rows(world))

    result = CliRunner().invoke(
        app,
        ["import", str(file), "--school", world.school.urn, "--url", api_url,
         "--client-id", world.client_id, "--client-secret", "not-the-secret"],
    )  # fmt: skip

    assert result.exit_code == 2
    assert "Sign-in refused: unknown client or wrong secret" in result.stderr
    assert "Traceback" not in result.output


def test_an_unreachable_server_exits_2_naming_the_address(world: World, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "judgements.csv", good_rows(world))
    nowhere = "http://127.0.0.1:9"  # discard port: nothing listens

    result = CliRunner().invoke(
        app,
        ["import", str(file), "--school", world.school.urn, "--url", nowhere,
         "--token", "t", "--retries", "1"],
    )  # fmt: skip

    assert result.exit_code == 2
    assert f"Cannot reach Stepwise at {nowhere}" in result.stderr
    assert "Traceback" not in result.output


def test_a_school_outside_the_clients_scope_exits_2(
    stepwise: Command, world: World, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "judgements.csv", good_rows(world))

    result = stepwise("import", str(file), "--school", world.other_school.urn)

    assert result.exit_code == 2
    assert f"no school with URN or id '{world.other_school.urn}'" in result.stderr
