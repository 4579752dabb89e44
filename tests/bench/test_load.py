"""The load run (bench/load.py), bounded: a few seconds of mixed traffic on a fresh demo
database, every request answered 2xx, every kind of request made. The figures in
bench/README.md come from the full run."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from tests.database import drop_database

ROOT = Path(__file__).resolve().parents[2]
KINDS = {
    "POST judgement",
    "GET pupils (class list)",
    "GET pupil progress",
    "GET school summary report",
    "GET trust cohort analysis",
    "POST import (CSV)",
}


def test_mixed_traffic_from_teachers_analysts_and_an_import_gets_no_errors(
    server: str, tmp_path: Path
) -> None:
    name = f"stepwise_bench_load_test_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": server, "BENCH_LOAD_DATABASE": name}
    figures = tmp_path / "load.json"
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.load", "--seconds", "6", "--teachers", "1",
             "--analysts", "2", "--import-rows", "60", "--json", str(figures)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False,
        )  # fmt: skip
    finally:
        drop_database(server, name)

    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(figures.read_text())
    assert result["errors"] == 0
    assert set(result["kinds"]) == KINDS
    assert result["written"] > 0
    assert result["imports"] > 0
    assert set(result["statuses"]) <= {"200", "201"}
    assert "| all |" in done.stdout
