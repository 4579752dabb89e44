"""The benchmarks, on a small generated trust: they run, and the engine, the hand-written
SQL and the endpoints agree on every number before anything is timed."""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.database import drop_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench_env(server: str) -> Iterator[dict[str, str]]:
    name = f"stepwise_bench_test_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": server, "BENCH_DATABASE": name}
    try:
        _run(env, "generate", "--reset", "--schools", "3", "--pupils", "60")
        yield env
    finally:
        drop_database(server, name)


def _run(env: dict[str, str], script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{script}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_generator_loads_a_trust_with_judgements_in_every_year(
    bench_env: dict[str, str],
) -> None:
    report = _run(bench_env, "generate")

    assert "is already loaded" in report
    judgements = next(line for line in report.splitlines() if line.strip().startswith("judgements"))
    assert int(judgements.split()[-1].replace(",", "")) > 1000


def test_the_cohort_benchmark_checks_the_engine_against_hand_written_sql_then_times_it(
    bench_env: dict[str, str],
) -> None:
    output = _run(bench_env, "cohort", "--runs", "2", "--warmup", "0")

    assert "identical for 2025/26 module 6" in output
    assert "| (b) engine via ProgressQueries (RLS, in 2 parts) | 2 |" in output
    assert "| (c) HTTP, default (with last year) | 2 |" in output


def test_the_pupil_benchmark_checks_each_pupils_facts_then_times_them(
    bench_env: dict[str, str],
) -> None:
    output = _run(bench_env, "pupil", "--runs", "3", "--warmup", "0", "--pupils", "3")

    assert "Verified 3 pupils" in output
    assert "identical facts" in output
    assert "| (c) HTTP GET /pupils/{id}/progress | 3 |" in output


def test_the_import_benchmark_checks_the_import_leaves_the_copys_rows_then_times_both(
    server: str,
) -> None:
    name = f"stepwise_bench_import_test_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": server, "BENCH_IMPORT_DATABASE": name}
    try:
        output = _run(env, "imports", "--rows", "3000", "--pupils", "30", "--runs", "2")
    finally:
        drop_database(server, name)

    assert "Planned 3,000 judgements" in output
    assert "'inserted': 3000, 'updated': 0, 'unchanged': 0" in output
    assert "| (b) HTTP import, commit | 2 |" in output
    assert "peak importing" in output
