"""The GraphQL attack run (bench/graphql_bounds.py), bounded: a few seconds of the costliest
queries a teacher may send, every one priced within the budget and answered (or stopped at
the time limit), `/health` answering throughout, the cyclic query refused. The figures in
bench/README.md come from the full run."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from tests.database import drop_database

ROOT = Path(__file__).resolve().parents[2]


def test_heavy_graphql_within_budget_never_stops_health_and_the_cycle_is_refused(
    server: str, tmp_path: Path
) -> None:
    name = f"stepwise_bench_graphql_test_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": server, "BENCH_GRAPHQL_DATABASE": name}
    figures = tmp_path / "graphql.json"
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.graphql_bounds", "--seconds", "4", "--baseline", "1",
             "--clients", "3", "--json", str(figures)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    finally:
        drop_database(server, name)

    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(figures.read_text())
    assert result["problems"] == 0
    assert result["health_failures"] == 0
    assert set(result["kinds"]) == {"wide tree", "cycle", "30 aliases", "4 reports"}
    assert result["sent"] >= 4
    assert "cyclic query refused" in done.stdout
