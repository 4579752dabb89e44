"""Mixed traffic against `stepwise serve` on 127.0.0.1: teachers, analysts and an import at once.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        /tmp/venv/bin/python -m bench.load [--seconds 60] [--teachers 3] [--analysts 3]

Makes its own database (`stepwise_bench_load`, or BENCH_LOAD_DATABASE), loads it with
`stepwise demo` (three schools, ~140 pupils, three years of judgements), starts `stepwise serve`
in a process of its own and drives bench.traffic's workers from this one for `--seconds`:
per school `--teachers` teachers recording judgements and reading their class list and a
pupil's progress, `--analysts` analysts reading a school's summary report (JSON) and the
trust-wide cohort analysis (split over the analytics connections), and one admin importing
a CSV of `--import-rows` judgements again and again. The service's connections to PostgreSQL
are sampled from pg_stat_activity every 50 ms, to see whether the pool (10 + 10 overflow by
default) runs dry. Prints p50 / p95 / max per request kind and the throughput; exits 1 if any
request was not answered 2xx.
"""

import argparse
import asyncio
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bench.generate import server_url
from bench.service import Service, free_port, load_demo
from bench.traffic import Recorder, drive, prepare
from persistence.urls import libpq_url, with_database

DATABASE = os.environ.get("BENCH_LOAD_DATABASE", "stepwise_bench_load")


@dataclass
class PoolUse:
    """The most connections the service held at once, and how many ran a statement."""

    open: int = 0
    active: int = 0
    samples: int = 0


async def watch_connections(url: str, database: str, done: asyncio.Event, use: PoolUse) -> None:
    connection = await asyncpg.connect(libpq_url(url))
    try:
        while not done.is_set():
            row = await connection.fetchrow(
                "SELECT count(*) AS open, count(*) FILTER (WHERE state <> 'idle') AS active"
                " FROM pg_stat_activity WHERE datname = $1 AND application_name = 'stepwise'",
                database,
            )
            use.open, use.active = max(use.open, row["open"]), max(use.active, row["active"])
            use.samples += 1
            await asyncio.sleep(0.05)
    finally:
        await connection.close()


async def recreate_database(server: str, database: str) -> None:
    connection = await asyncpg.connect(libpq_url(server))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{database}"')
    finally:
        await connection.close()


async def load(args: argparse.Namespace, url: str, base: str) -> tuple[Recorder, PoolUse]:
    site = await prepare(base)
    use, done = PoolUse(), asyncio.Event()
    watcher = asyncio.create_task(watch_connections(url, DATABASE, done, use))
    recorder = await drive(
        base,
        site,
        args.seconds,
        teachers_per_school=args.teachers,
        analysts=args.analysts,
        import_rows=args.import_rows,
    )
    done.set()
    await watcher
    return recorder, use


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--teachers", type=int, default=3, help="per school")
    parser.add_argument("--analysts", type=int, default=3)
    parser.add_argument("--import-rows", type=int, default=300)
    parser.add_argument("--reuse", action="store_true", help="keep a loaded database")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    server = server_url()
    url = with_database(server, DATABASE)
    with tempfile.TemporaryDirectory(prefix="stepwise-bench-load-") as tmp:
        data_dir = Path(tmp)
        if not args.reuse:
            asyncio.run(recreate_database(server, DATABASE))
        load_demo(url, data_dir)
        service = Service(url, data_dir, free_port())
        try:
            service.wait()
            recorder, use = asyncio.run(load(args, url, service.base))
        finally:
            service.stop()
        if recorder.errors():  # the server's own account of them: all but the access log
            lines = [x for x in service.log.read_text().splitlines() if not x.startswith("INFO:")]
            print("server log, less INFO lines:", *lines[-80:], sep="\n")
    print(
        f"{args.seconds:.0f} s; {args.teachers} teachers in each of 3 schools,"
        f" {args.analysts} analysts, 1 import of {args.import_rows} rows at a time\n"
    )
    print(recorder.table())
    print(f"\nstatuses: {recorder.statuses()}")
    print(
        f"judgements written: {len(recorder.written)}; imports committed:"
        f" {recorder.imports_acknowledged}"
    )
    print(
        f"service connections to PostgreSQL: at most {use.open} open, {use.active} busy at once"
        f" ({use.samples} samples; the pool allows 20)"
    )
    errors = recorder.errors()
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "statuses": recorder.statuses(),
                    "requests": len(recorder.outcomes),
                    "errors": len(errors),
                    "written": len(recorder.written),
                    "imports": recorder.imports_acknowledged,
                    "kinds": sorted(recorder.by_kind()),
                    "max_open_connections": use.open,
                }
            )
        )
    for error in errors[:10]:
        print(f"  {error.kind}: {error.status} {error.detail}")
    raise SystemExit(1 if errors else 0)


if __name__ == "__main__":
    main()
