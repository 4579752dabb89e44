"""The wrk form of the mixed load (bench/wrk.py), bounded: a few seconds of wrk against a bare
endpoint and then against `stepwise serve` on a fresh demo database with an import running;
every response 2xx, every kind answered, every acknowledged judgement in the database. The
figures in bench/README.md come from the full run."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bench.wrk import MIX
from tests.database import drop_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed (.ci/run installs it)")
def test_wrk_mix_of_teachers_analysts_and_an_import_gets_no_errors_and_its_writes_land(
    server: str, tmp_path: Path
) -> None:
    name = f"stepwise_bench_wrk_test_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": server, "BENCH_WRK_DATABASE": name}
    figures = tmp_path / "wrk.json"
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.wrk", "--seconds", "3", "--connections", "6",
             "--import-rows", "60", "--json", str(figures)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False,
        )  # fmt: skip
    finally:
        drop_database(server, name)

    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(figures.read_text())
    stepwise, bare = result["stepwise"], result["bare"]
    for side in (stepwise, bare):
        assert side["non_2xx"] == 0
        assert side["socket_errors"] == 0
        assert sum(side["answered"].values()) == side["requests"] > 0
    answered_kinds = {key.rsplit(" ", 1)[0] for key in stepwise["answered"]}
    assert answered_kinds == set(MIX)
    assert {key.rsplit(" ", 1)[1] for key in stepwise["answered"]} <= {"200", "201"}
    assert stepwise["written"] == stepwise["answered"]["POST judgement 201"] > 0
    assert stepwise["found"] == stepwise["written"]
    assert stepwise["written"] <= stepwise["rows"] <= stepwise["written"] + 6
    assert result["imports"] > 0
    assert result["import_errors"] == 0
    assert 0 < result["throughput_ratio"] < 1
