"""PostgreSQL restarted under load: the service recovers by itself and loses no acknowledged write.

    /tmp/venv/bin/python -m bench.faults [--seconds 60] [--port 55520]

Starts a private PostgreSQL cluster (bench.clusters: its own data directory and socket,
never the machine's own server), loads it with `stepwise demo`, runs `stepwise serve` on it
in a process of its own, and drives bench.traffic's mixed workers from this process with
retries on: a write answered 503 is sent again after `Retry-After` with the same body (an
import with the same `Idempotency-Key`). A third of the way in PostgreSQL is restarted with
`pg_ctl -m fast` (clients disconnected cleanly), two thirds in with `-m immediate` (a crash:
WAL replay on start). The service is never restarted. Afterwards, as the table owner:

- every acknowledged judgement (201) is in the database under its id, and a retry answered
  409 (its first attempt had committed) has its row under its natural key;
- the import module holds exactly the last acknowledged import file's steps;
- rows in the run's modules that nobody acknowledged are counted (a commit whose answer was
  lost is allowed, and the client's retry then finds it).

Prints, per restart: requests sent while PostgreSQL was down or starting, how many got 503
(with Retry-After), any other status, the slowest answer, and how long after PostgreSQL was
back the last 503 came. Exits 1 if any request got a status other than 2xx, 503 or a retry's
409, a 503 lacked Retry-After, any request had no answer (hang or dropped connection), an
answer took longer than `--max-latency`, or an acknowledged write is missing.
"""

import argparse
import asyncio
import json
import shutil
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import asyncpg

from bench.clusters import Cluster, create_cluster
from bench.service import Service, free_port, load_demo
from bench.traffic import Recorder, Site, drive, prepare
from persistence.urls import libpq_url


@dataclass
class Restart:
    mode: str
    down_at: float  # monotonic: pg_ctl stop begun
    up_at: float  # monotonic: pg_ctl start returned


@dataclass
class Window:
    """What clients saw from one restart's stop until the service answered again."""

    mode: str
    outage_s: float
    requests: int
    unavailable_503: int
    other_non_2xx: int
    max_latency_ms: float
    recovered_after_s: float


async def restart_during(
    cluster: Cluster, plan: list[tuple[float, str]], started: float
) -> list[Restart]:
    done = []
    for at, mode in plan:
        await asyncio.sleep(max(0.0, started + at - time.monotonic()))
        down = time.monotonic()
        await asyncio.to_thread(cluster.restart, mode)
        done.append(Restart(mode, down, time.monotonic()))
    return done


def window(recorder: Recorder, restart: Restart, until: float) -> Window:
    """Requests in flight at any moment from the stop until PostgreSQL was back (sent
    before the stop and answered after it too), and the last 503 to a request sent after
    it was back and answered before `until` (the next restart's stop, or the run's end)."""
    during = [o for o in recorder.outcomes if o.done >= restart.down_at and o.at <= restart.up_at]
    late = [
        o.done
        for o in recorder.outcomes
        if o.status == 503 and restart.up_at < o.at and o.done < until
    ]
    return Window(
        restart.mode,
        restart.up_at - restart.down_at,
        len(during),
        sum(1 for o in during if o.status == 503),
        sum(1 for o in during if not (200 <= o.status < 300 or o.status in (409, 503))),
        max((o.ms for o in during), default=0.0),
        max(late, default=restart.up_at) - restart.up_at,
    )


async def verify(url: str, site: Site, recorder: Recorder) -> dict[str, Any]:
    """Every acknowledged write, looked for by id (or natural key) as the table's owner."""
    connection = await asyncpg.connect(libpq_url(url))
    try:
        ids = list(recorder.written)
        found = await connection.fetchval(
            "SELECT count(*) FROM judgements WHERE id = ANY($1::uuid[])", ids
        )
        retried = 0
        for key in recorder.conflicted_retries:
            retried += await connection.fetchval(
                "SELECT count(*) FROM judgements WHERE pupil_id = $1 AND strand_id = $2"
                " AND module_id = $3",
                *(key.pupil_id, key.strand_id, key.module_id),
            )
        importing = site.schools[-1]
        import_module = importing.modules[-1]["id"]
        run_modules = [m["id"] for s in site.schools for m in s.modules if m["id"] != import_module]
        in_run = await connection.fetchval(
            "SELECT count(*) FROM judgements WHERE module_id = ANY($1::uuid[])", run_modules
        )
        rows = await connection.fetch(
            "SELECT p.upn, s.code AS strand, m.sequence, st.code AS step FROM judgements j"
            " JOIN pupils p ON p.id = j.pupil_id JOIN strands s ON s.id = j.strand_id"
            " JOIN modules m ON m.id = j.module_id JOIN steps st ON st.id = j.step_id"
            " WHERE j.module_id = $1",
            import_module,
        )
    finally:
        await connection.close()
    stored = {(r["upn"], r["strand"], r["sequence"]): r["step"] for r in rows}
    return {
        "acknowledged": len(ids),
        "found": found,
        "retried_after_503_found_by_key": f"{retried}/{len(recorder.conflicted_retries)}",
        "rows_in_run_modules": in_run,
        "committed_unacknowledged": in_run - found - retried,
        "imports_acknowledged": recorder.imports_acknowledged,
        "imports_replayed": recorder.imports_replayed,
        "import_matches_last_acknowledged": stored == recorder.imported,
        "missing": len(ids) - found + len(recorder.conflicted_retries) - retried,
    }


def failures(recorder: Recorder, figures: dict[str, Any], max_latency_ms: float) -> list[str]:
    found = []
    for o in recorder.outcomes:
        if o.status == 0:
            found.append(f"{o.kind}: no answer after {o.ms:.0f} ms ({o.detail})")
        elif o.status == 503 and not o.retry_after:
            found.append(f"{o.kind}: 503 without Retry-After")
        elif not (200 <= o.status < 300 or o.status in (409, 503)):
            found.append(f"{o.kind}: {o.status} {o.detail}")
        elif o.status == 409 and o.kind != "POST judgement":
            found.append(f"{o.kind}: 409 {o.detail}")
        if o.ms > max_latency_ms:
            found.append(f"{o.kind}: answered in {o.ms:.0f} ms (> {max_latency_ms:.0f})")
    if figures["missing"]:
        found.append(f"{figures['missing']} acknowledged writes are not in the database")
    if figures["imports_acknowledged"] and not figures["import_matches_last_acknowledged"]:
        found.append("the import module does not hold the last acknowledged file")
    return found


async def exercise(
    cluster: Cluster,
    base: str,
    seconds: float,
    *,
    teachers: int = 2,
    analysts: int = 2,
    import_rows: int = 200,
    max_latency_s: float = 12.0,
) -> dict[str, Any]:
    """Traffic with retries for `seconds`, PostgreSQL restarted fast at a third and
    immediately at two thirds; then the database checked against what was acknowledged."""
    site = await prepare(base)
    started = time.monotonic()
    plan = [(seconds / 3, "fast"), (2 * seconds / 3, "immediate")]
    traffic = asyncio.create_task(
        drive(
            base,
            site,
            seconds,
            teachers_per_school=teachers,
            analysts=analysts,
            import_rows=import_rows,
            retry=True,
        )
    )
    restarts = await restart_during(cluster, plan, started)
    recorder = await traffic
    ends = [r.down_at for r in restarts[1:]] + [recorder.ended]
    windows = [window(recorder, r, end) for r, end in zip(restarts, ends, strict=True)]
    figures = await verify(cluster.url, site, recorder)
    figures["resent_after_503"] = recorder.resent
    refused = [o.ms for o in recorder.outcomes if o.status == 503]
    figures["503_ms_p50_max"] = [
        round(statistics.median(refused), 1) if refused else 0.0,
        round(max(refused, default=0.0), 1),
    ]
    return {
        "seconds": seconds,
        "requests": len(recorder.outcomes),
        "statuses": recorder.statuses(),
        "kinds": sorted(recorder.by_kind()),
        "windows": [asdict(w) for w in windows],
        "writes": figures,
        "failures": failures(recorder, figures, max_latency_s * 1000),
        "table": recorder.table(),
    }


def report(result: dict[str, Any]) -> None:
    print(f"{result['seconds']:.0f} s of mixed traffic, {result['requests']} requests")
    print(result["table"])
    print(f"\nstatuses: {result['statuses']}\n")
    print(
        "| restart | PostgreSQL down s | requests in flight meanwhile | 503 | other non-2xx"
        " | slowest of them ms | last 503 after it was back, s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for w in result["windows"]:
        print(
            f"| {w['mode']} | {w['outage_s']:.2f} | {w['requests']} | {w['unavailable_503']}"
            f" | {w['other_non_2xx']} | {w['max_latency_ms']:.0f}"
            f" | {w['recovered_after_s']:.2f} |"
        )
    print("\nwrites:", json.dumps(result["writes"]))
    for failure in result["failures"][:20]:
        print("FAILED:", failure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=55520, help="the private cluster's port")
    parser.add_argument("--teachers", type=int, default=2, help="per school")
    parser.add_argument("--analysts", type=int, default=2)
    parser.add_argument("--import-rows", type=int, default=200)
    parser.add_argument("--max-latency", type=float, default=12.0, help="seconds")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the server's log")
    args = parser.parse_args()
    cluster = create_cluster(port=args.port, prefix="sw-faults-")
    data_dir = Path(tempfile.mkdtemp(prefix="stepwise-bench-faults-"))
    service: Service | None = None
    try:
        load_demo(cluster.url, data_dir)
        service = Service(cluster.url, data_dir, free_port())
        service.wait()
        result = asyncio.run(
            exercise(
                cluster,
                service.base,
                args.seconds,
                teachers=args.teachers,
                analysts=args.analysts,
                import_rows=args.import_rows,
                max_latency_s=args.max_latency,
            )
        )
        if not service.alive():
            result["failures"].append("the service exited")
    finally:
        if service is not None:
            service.stop()
        cluster.destroy()
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result))
    if result["failures"] or args.keep:
        print(f"\nserver log: {data_dir / 'server.log'}")
    if result["failures"]:
        raise SystemExit(1)
    if not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
