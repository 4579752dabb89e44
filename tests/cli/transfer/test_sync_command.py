"""`stepwise sync`: a local copy kept current from a running server's change feed."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cli.transfer.cli_support import Command, command_for
from tests.factories import World
from tests.import_files import good_rows, judgement_row, stored_judgements, write_csv

pytestmark = pytest.mark.slow


@pytest.fixture
def stepwise(api_url: str, world: World) -> Command:
    return command_for(api_url, world)


def _rows(file: Path) -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()]
    return {row["id"]: row for row in rows}


def _cursor(state: Path) -> str:
    cursor: str = json.loads(state.read_text(encoding="utf-8"))["cursor"]
    return cursor


def test_inserts_updates_and_deletes_arrive_and_a_second_run_resumes_from_the_cursor(
    stepwise: Command, api_url: str, world: World, tmp_path: Path
) -> None:
    state, out = tmp_path / "state.json", tmp_path / "copy"
    sync = ("sync", "--state", str(state), "--out", str(out), "--school", world.school.urn,
            "--resource", "judgements", "--limit", "2")  # fmt: skip
    imported = stepwise("import", str(write_csv(tmp_path / "judgements.csv", good_rows(world))),
                        "--school", world.school.urn)  # fmt: skip
    assert imported.exit_code == 0, imported.output

    first = stepwise(*sync)

    assert first.exit_code == 0, first.output
    assert "Up to date: 3 change(s) applied" in first.stdout
    copied = _rows(out / "judgements.ndjson")
    stored = {j["id"]: j for j in stored_judgements(api_url, world)}
    assert set(copied) == set(stored)
    assert all(row["school_id"] == str(world.school.id) for row in copied.values())
    cursor = _cursor(state)

    changed = write_csv(tmp_path / "judgements.csv", [judgement_row(world, step="S4")])
    assert stepwise("import", str(changed), "--school", world.school.urn).exit_code == 0
    [updated] = [j for j in stored_judgements(api_url, world) if j["step_id"] == world.step("S4")]
    gone = next(id for id in stored if id != updated["id"])
    deleted = httpx.delete(
        f"{api_url}/api/v1/judgements/{gone}",
        params={"reason": "entered against the wrong pupil"},
        headers={**world.headers("school_admin"), "If-Match": f'"{stored[gone]["version"]}"'},
    )
    assert deleted.status_code == 204, deleted.text

    second = stepwise(*sync)

    assert second.exit_code == 0, second.output
    assert "Up to date: 2 change(s) applied" in second.stdout  # only what came after the cursor
    assert "1 upserted, 1 deleted" in second.stderr
    copied = _rows(out / "judgements.ndjson")
    assert set(copied) == set(stored) - {gone}
    assert copied[updated["id"]]["version"] == updated["version"]
    assert _cursor(state) != cursor


def test_with_nothing_new_a_sync_applies_nothing_and_keeps_the_copy(
    stepwise: Command, world: World, tmp_path: Path
) -> None:
    state, out = tmp_path / "state.json", tmp_path / "copy"
    sync = ("sync", "--state", str(state), "--out", str(out), "--school", str(world.school.id))
    assert stepwise(*sync).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()} if out.exists() else {}

    again = stepwise(*sync)

    assert again.exit_code == 0, again.output
    assert "Up to date: 0 change(s) applied" in again.stdout
    after = {p.name: p.read_bytes() for p in out.iterdir()} if out.exists() else {}
    assert after == before


def test_a_state_file_that_sync_did_not_write_is_refused(
    stepwise: Command, world: World, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    state.write_text("not json", encoding="utf-8")

    result = stepwise("sync", "--state", str(state), "--out", str(tmp_path / "copy"))

    assert result.exit_code == 2
    assert "is not a sync state file" in result.stderr
    assert "Traceback" not in result.output
