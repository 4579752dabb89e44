"""A million judgements through the HTTP import endpoint, against a raw asyncpg COPY.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        /tmp/venv/bin/python -m bench.imports [--rows 1000000] [--runs 2]

Makes its own database (`stepwise_bench_import`, or BENCH_IMPORT_DATABASE) with
`bench.generate` (one school, 2,000 pupils, 20 strands, 30 modules) and empties its
judgements. Then, in rotating order, `--runs` times each:

- (a) baseline: the same rows, already resolved to ids, written with asyncpg's
  `copy_records_to_table` straight into `judgements` in one transaction, as the table's
  owner (no row-level security). The transaction carries the import marker, so the
  table's triggers do exactly what they do for an import (migrations 0007/0008);
- (b) the service: `stepwise serve` in a process of its own (uvicorn, as deployed),
  `POST /api/v1/imports/judgements?mode=commit` with the CSV file streamed from disk by
  httpx, a trust admin's token. The server's resident memory is sampled from /proc every
  50 ms while it imports.

Before anything is timed both must leave the same rows (pupil, strand, module, step, kind,
date); the table is emptied (TRUNCATE) before every run. Prints rows/s, the ratio (b)/(a)
and the server's memory.
"""

import argparse
import asyncio
import csv
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.generate import ADMIN_EMAIL, ADMIN_PASSWORD, server_url
from persistence.urls import libpq_url, with_database

DATABASE = os.environ.get("BENCH_IMPORT_DATABASE", "stepwise_bench_import")
TODAY = date(2026, 11, 23)
CHUNK = 256 * 1024
STEPWISE = "from cli.main import app; app()"

_COPY_COLUMNS = [
    "school_id", "id", "pupil_id", "strand_id", "module_id", "step_id", "kind", "assessed_on",
    "assessor", "note", "moderation_state", "recorded_by", "recorded_at", "version",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def database_url() -> str:
    return with_database(server_url(), DATABASE)


async def connect() -> asyncpg.Connection:
    return await asyncpg.connect(libpq_url(database_url()))


def generate(pupils: int) -> None:
    """A one-school trust from bench.generate, in this benchmark's own database."""
    env = os.environ | {"BENCH_DATABASE": DATABASE}
    command = [sys.executable, "-m", "bench.generate", "--reset", "--schools", "1"]
    subprocess.run([*command, "--pupils", str(pupils)], env=env, check=True)  # noqa: S603


@dataclass(frozen=True, slots=True)
class Plan:
    """The rows both sides write: CSV lines for the import, id tuples for COPY."""

    school_id: uuid.UUID
    csv_path: Path
    records: list[tuple[Any, ...]]


async def plan(connection: asyncpg.Connection, rows: int, folder: Path, seed: int) -> Plan:
    school_id = await connection.fetchval("SELECT id FROM schools")
    pupils = await connection.fetch(
        "SELECT id, mis_id FROM pupils WHERE school_id = $1 AND mis_id IS NOT NULL ORDER BY id",
        school_id,
    )
    strands = await connection.fetch("SELECT id, code FROM strands ORDER BY position")
    steps = await connection.fetch("SELECT id, code FROM steps ORDER BY value")
    modules = await connection.fetch(
        "SELECT id, academic_year, sequence, ends_on FROM modules WHERE school_id = $1"
        " ORDER BY academic_year, sequence",
        school_id,
    )
    per_module = len(pupils) * len(strands)
    needed = -(-rows // per_module)
    if needed > len(modules):
        raise SystemExit(f"{rows:,} rows need {needed} modules; the school has {len(modules)}")
    rng = random.Random(seed)
    recorded = datetime(2026, 11, 23, 9, tzinfo=UTC)
    records: list[tuple[Any, ...]] = []
    path = folder / "judgements.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["Admission No", "Strand", "Academic Year", "Module", "Step", "Kind", "Date", "Teacher"]
        )
        for module in modules[:needed]:
            day = min(module["ends_on"] - timedelta(days=3), TODAY)
            for pupil in pupils:
                start = rng.randrange(len(steps) - 8)
                for n, strand in enumerate(strands):
                    if len(records) == rows:
                        break
                    step = steps[start + (n % 8)]
                    teacher = f"Teacher {n % 7}"
                    writer.writerow(
                        [
                            pupil["mis_id"],
                            strand["code"],
                            module["academic_year"],
                            module["sequence"],
                            step["code"],
                            "checkpoint",
                            day.isoformat(),
                            teacher,
                        ]
                    )
                    records.append(
                        (
                            school_id, uuid.uuid4(), pupil["id"], strand["id"], module["id"],
                            step["id"], "checkpoint", day, teacher, "", "unmoderated", "bench",
                            recorded, 1,
                        )
                    )  # fmt: skip
    return Plan(school_id, path, records)


async def empty(connection: asyncpg.Connection) -> None:
    await connection.execute("TRUNCATE judgements, judgement_revisions, idempotency_records")
    await connection.execute("CHECKPOINT")


async def copy_baseline(connection: asyncpg.Connection, plan: Plan) -> float:
    started = time.perf_counter()
    async with connection.transaction():
        await connection.execute("SELECT set_config('stepwise.import', 'bench', true)")
        await connection.copy_records_to_table(
            "judgements", records=plan.records, columns=_COPY_COLUMNS
        )
    return time.perf_counter() - started


async def content_digest(connection: asyncpg.Connection) -> tuple[int, str]:
    row = await connection.fetchrow(
        "SELECT count(*) AS n, md5(string_agg(concat_ws(',', pupil_id, strand_id, module_id,"
        " step_id, kind, assessed_on, assessor), ';' ORDER BY pupil_id, strand_id, module_id))"
        " AS digest FROM judgements"
    )
    return row["n"], row["digest"]


class Server:
    """`stepwise serve` in its own process, on the benchmark database."""

    def __init__(self, data_dir: Path, port: int) -> None:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env |= {
            "DATABASE_URL": database_url(),
            "STEPWISE_DATA_DIR": str(data_dir),
            "DATABASE_DATA_DIR": str(data_dir),
        }
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(  # noqa: S603 - our own entry point
            [sys.executable, "-c", STEPWISE, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    async def wait(self) -> None:
        async with httpx.AsyncClient(base_url=self.base) as client:
            for _ in range(300):
                try:
                    if (await client.get("/health")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise SystemExit("stepwise serve did not start")

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@dataclass(slots=True)
class ImportRun:
    seconds: float
    rss_before: float
    rss_peak: float
    report: dict[str, Any]


async def http_import(server: Server, token: str, plan: Plan) -> ImportRun:
    path = plan.csv_path

    async def body() -> AsyncIterator[bytes]:
        with path.open("rb") as source:
            while chunk := source.read(CHUNK):
                yield chunk

    peak = before = server.rss_mb()
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, server.rss_mb())
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    async with httpx.AsyncClient(base_url=server.base, timeout=3600) as client:
        started = time.perf_counter()
        response = await client.post(
            "/api/v1/imports/judgements",
            params={"school_id": str(plan.school_id), "mode": "commit", "source": path.name},
            headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
            content=body(),
        )
        seconds = time.perf_counter() - started
    done.set()
    await sampler
    if response.status_code != 200:
        raise SystemExit(f"import refused: {response.status_code} {response.text[:2000]}")
    return ImportRun(seconds, before, peak, response.json())


async def sign_in(server: Server) -> str:
    async with httpx.AsyncClient(base_url=server.base) as client:
        response = await client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token


async def run(args: argparse.Namespace) -> None:
    if not args.reuse:
        generate(args.pupils)
    connection = await connect()
    with tempfile.TemporaryDirectory(prefix="stepwise-bench-import-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        the_plan = await plan(connection, args.rows, folder, args.seed)
        size = the_plan.csv_path.stat().st_size
        print(
            f"Planned {len(the_plan.records):,} judgements ({size / 2**20:.0f} MB of CSV)"
            f" in {time.perf_counter() - started:.1f} s"
        )
        server = Server(folder / "data", args.port or free_port())
        try:
            await server.wait()
            token = await sign_in(server)
            copies: list[float] = []
            imports: list[ImportRun] = []
            digests: set[tuple[int, str]] = set()
            for n in range(args.runs):
                order = ("copy", "import") if n % 2 == 0 else ("import", "copy")
                for side in order:
                    await empty(connection)
                    if side == "copy":
                        copies.append(await copy_baseline(connection, the_plan))
                        print(f"  run {n + 1} (a) COPY:   {copies[-1]:6.1f} s")
                    else:
                        imports.append(await http_import(server, token, the_plan))
                        i = imports[-1]
                        print(
                            f"  run {n + 1} (b) import: {i.seconds:6.1f} s, server RSS"
                            f" {i.rss_before:.0f} -> peak {i.rss_peak:.0f} MB,"
                            f" counts {i.report['counts']}"
                        )
                    digests.add(await content_digest(connection))
                    if len(digests) != 1:
                        raise SystemExit("COPY and the import left different rows")
            await empty(connection)
        finally:
            server.stop()
    await connection.close()
    rows = len(the_plan.records)
    copy_s = statistics.median(copies)
    import_s = statistics.median(r.seconds for r in imports)
    print()
    print("| | runs | median s | rows/s | rate / COPY |")
    print("|---|---:|---:|---:|---:|")
    print(f"| (a) asyncpg COPY | {len(copies)} | {copy_s:.1f} | {rows / copy_s:,.0f} | 1.00 |")
    print(
        f"| (b) HTTP import, commit | {len(imports)} | {import_s:.1f} | {rows / import_s:,.0f}"
        f" | {copy_s / import_s:.2f} |"
    )
    peak = max(r.rss_peak for r in imports)
    before = min(r.rss_before for r in imports)
    print(f"\nserver RSS before the first import {before:.0f} MB, peak importing {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pupils", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--reuse", action="store_true", help="keep the generated database")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
