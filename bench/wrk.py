"""The mixed load with wrk, against `stepwise serve` and, in the same run, a bare endpoint.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        /tmp/venv/bin/python -m bench.wrk [--seconds 30] [--connections 13] [--threads 2]

Sets up as bench.load does (its database, `stepwise_bench_wrk` or BENCH_WRK_DATABASE, loaded
by `stepwise demo`; `stepwise serve` in a process of its own; bench.traffic's sign-in and run
modules), then writes every request wrk may send to a file bench/mixed.lua reads: a new
judgement per pupil, strand and run module (each sent once), the class lists, every pupil's
progress, each school's summary report (JSON) and the trust's cohort analysis, each with its
user's bearer token. wrk sends them in MIX's proportions from `--connections` connections for
`--seconds` while this process runs bench.traffic's importer (a CSV of `--import-rows`
judgements again and again). Before that, the same wrk (threads, connections, duration)
against bench/bare.py's one constant GET on uvicorn in a process of its own: the baseline.

Afterwards every judgement wrk saw answered 201 is looked up by id. Prints the figures and a
JSON line (`--json` also writes it); exits 1 on any non-2xx or socket error, a kind never
answered, or an acknowledged judgement not in the database.
"""

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.generate import server_url
from bench.load import recreate_database
from bench.service import Service, free_port, load_demo
from bench.traffic import (
    CLIENT_TIMEOUT_S,
    Recorder,
    Site,
    Traffic,
    judgement_keys,
    prepare,
    teaching_modules,
)
from persistence.urls import libpq_url, with_database

DATABASE = os.environ.get("BENCH_WRK_DATABASE", "stepwise_bench_wrk")
SCRIPT = Path(__file__).with_name("mixed.lua")
WRK = os.environ.get("WRK", "/usr/bin/wrk")

#: kind -> (code in X-Request-ID, share of requests): the shares bench.load's closed loop
#: gives at its defaults (9 teachers recording 60%, class list 20%, progress 20% of the time;
#: 3 analysts alternating the two reports, each 3-6x slower). Drawn per request, a report's
#: share weighs more in time than in count: at 5% each instead, throughput fell by half or more.
MIX = {
    "POST judgement": ("j", 0.56),
    "GET pupils (class list)": ("c", 0.18),
    "GET pupil progress": ("p", 0.19),
    "GET school summary report": ("s", 0.035),
    "GET trust cohort analysis": ("a", 0.035),
}
BARE = {"GET bare endpoint": ("b", 1.0)}


def requests_file(site: Site, path: Path, seed: int = 5) -> int:
    """Every request wrk may send, one a line, for bench/mixed.lua; returns the judgements."""
    rng = random.Random(seed)
    importing = site.schools[-1]
    lines = [f"#mix\t{kind}\t{code}\t{weight}" for kind, (code, weight) in MIX.items()]
    per_school = [
        (school, list(judgement_keys(teaching_modules(school, importing), rng)))
        for school in site.schools
    ]
    writes = 0
    for n in range(max(len(keys) for _, keys in per_school)):
        for school, keys in per_school:  # the schools in turn, so every thread writes to each
            if n < len(keys):
                key = keys[n]
                body = json.dumps(
                    {
                        "pupil_id": key.pupil_id,
                        "strand_id": key.strand_id,
                        "module_id": key.module_id,
                        "step_id": rng.choice(school.steps)["id"],
                    },
                    separators=(",", ":"),
                )
                token = school.teacher["Authorization"]
                lines.append(f"POST judgement\tPOST\t/api/v1/judgements\t{token}\t{body}")
                writes += 1
    analyst = site.analyst["Authorization"]
    for school in site.schools:
        token = school.teacher["Authorization"]
        lines.append(
            f"GET pupils (class list)\tGET\t/api/v1/pupils?school_id={school.id}&limit=50"
            f"\t{token}\t"
        )
        lines += [
            f"GET pupil progress\tGET\t/api/v1/pupils/{pupil['id']}/progress\t{token}\t"
            for pupil in school.pupils
        ]
        lines.append(
            f"GET school summary report\tGET\t/api/v1/reports/schools/{school.id}/summary"
            f"?format=json\t{analyst}\t"
        )
    lines.append(
        f"GET trust cohort analysis\tGET\t/api/v1/analytics/cohort?trust_id={site.trust_id}"
        f"&academic_year={site.academic_year}&module={site.module}\t{analyst}\t"
    )
    path.write_text("\n".join(lines) + "\n")
    return writes


async def run_wrk(
    args: argparse.Namespace, base: str, requests: Path, written: Path
) -> dict[str, Any]:
    """wrk with bench/mixed.lua; its JSON line."""
    process = await asyncio.create_subprocess_exec(
        WRK,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.seconds:g}s",
        f"--timeout={CLIENT_TIMEOUT_S:g}s",
        "-s",
        str(SCRIPT),
        base,
        "--",
        str(requests),
        str(args.threads),
        env={**os.environ, "WRK_WRITTEN": str(written)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    text = out.decode()
    if process.returncode != 0 or not text.rstrip().endswith("}"):
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{text}\n{err.decode()}")
    result: dict[str, Any] = json.loads(text.rstrip().splitlines()[-1])
    return result


def baseline(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """The same wrk against bench/bare.py's endpoint."""
    port = free_port()
    log = tmp / "bare.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - our own module
            [sys.executable, "-m", "bench.bare", str(port)], stdout=output, stderr=output
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/bare", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"bench.bare did not start:\n{log.read_text()}")
            time.sleep(0.2)
        requests = tmp / "bare.tsv"
        kind, (code, weight) = next(iter(BARE.items()))
        requests.write_text(f"#mix\t{kind}\t{code}\t{weight}\n{kind}\tGET\t/bare\t\t\n")
        return asyncio.run(run_wrk(args, base, requests, tmp / "bare-written.txt"))
    finally:
        process.terminate()
        process.wait(timeout=15)


async def mixed(
    args: argparse.Namespace, base: str, tmp: Path
) -> tuple[dict[str, Any], Recorder, Site, list[str]]:
    """wrk's mix and, meanwhile, the importer; the ids wrk saw answered 201."""
    site = await prepare(base)
    requests, written = tmp / "mixed.tsv", tmp / "written.txt"
    requests_file(site, requests)
    async with httpx.AsyncClient(base_url=base, timeout=CLIENT_TIMEOUT_S) as client:
        traffic = Traffic(client, site, args.seconds, retry=False)
        importer = traffic.importer(site.schools[-1], args.import_rows)
        result, _ = await asyncio.gather(run_wrk(args, base, requests, written), importer)
        traffic.recorder.ended = time.monotonic()
    return result, traffic.recorder, site, written.read_text().split()


async def landed(url: str, site: Site, ids: list[str]) -> tuple[int, int]:
    """How many of `ids` are judgements in the database, and how many rows the run's teaching
    modules hold (as the tables' owner: no row security)."""
    importing = site.schools[-1]
    modules = [m["id"] for s in site.schools for m in teaching_modules(s, importing).modules]
    connection = await asyncpg.connect(libpq_url(url))
    try:
        found: int = await connection.fetchval(
            "SELECT count(*) FROM judgements WHERE id = ANY($1::uuid[])", ids
        )
        rows: int = await connection.fetchval(
            "SELECT count(*) FROM judgements WHERE module_id = ANY($1::uuid[])", modules
        )
        return found, rows
    finally:
        await connection.close()


def answered(result: dict[str, Any], kind: str) -> int:
    return sum(n for key, n in result["answered"].items() if key.rsplit(" ", 1)[0] == kind)


def failures(
    stepwise: dict[str, Any], bare: dict[str, Any], importer: Recorder, connections: int
) -> list[str]:
    found = [
        f"{name}: {result['non_2xx']} non-2xx, {result['socket_errors']} socket errors"
        for name, result in (("stepwise", stepwise), ("bare", bare))
        if result["non_2xx"] or result["socket_errors"]
    ]
    found += [f"{kind} never answered" for kind in MIX if not answered(stepwise, kind)]
    found += [f"import: {o.status} {o.detail}" for o in importer.errors()[:5]]
    if not importer.imports_acknowledged:
        found.append("no import committed")
    if stepwise["found"] != stepwise["written"]:
        found.append(f"{stepwise['written']} judgements acknowledged, {stepwise['found']} found")
    # rows beyond those acknowledged: at most the writes still in flight when wrk stopped
    if not 0 <= stepwise["rows"] - stepwise["written"] <= connections:
        found.append(f"{stepwise['rows']} rows in the run's modules, {stepwise['written']} 201s")
    return found


def summary(stepwise: dict[str, Any], bare: dict[str, Any], importer: Recorder) -> dict[str, Any]:
    imports = [o.ms for o in importer.outcomes]
    return {
        "stepwise": stepwise,
        "bare": bare,
        "throughput_ratio": stepwise["requests_per_s"] / bare["requests_per_s"],
        "p50_ratio": stepwise["p50_us"] / bare["p50_us"],
        "p95_ratio": stepwise["p95_us"] / bare["p95_us"],
        "imports": importer.imports_acknowledged,
        "import_errors": len(importer.errors()),
        "import_p50_ms": sorted(imports)[len(imports) // 2] if imports else None,
    }


def report(args: argparse.Namespace, figures: dict[str, Any]) -> None:
    s, b = figures["stepwise"], figures["bare"]
    print(
        f"wrk {args.seconds:g} s, {args.threads} threads, {args.connections} connections;"
        f" 1 import of {args.import_rows} rows at a time alongside\n"
    )
    print("| target | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | non-2xx |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in (("stepwise mix", s), ("bare endpoint", b)):
        print(
            f"| {name} | {r['requests']} | {r['requests_per_s']:.1f} | {r['p50_us'] / 1000:.1f}"
            f" | {r['p95_us'] / 1000:.1f} | {r['p99_us'] / 1000:.1f} | {r['max_us'] / 1000:.1f}"
            f" | {r['non_2xx'] + r['socket_errors']} |"
        )
    print(
        f"\nstepwise / bare: throughput {figures['throughput_ratio']:.3f},"
        f" p50 {figures['p50_ratio']:.0f}x, p95 {figures['p95_ratio']:.0f}x"
    )
    print(f"answered: {s['answered']}")
    print(
        f"judgements acknowledged {s['written']}, found by id {s['found']}, rows in the run's"
        f" modules {s['rows']}; imports committed"
        f" {figures['imports']} (p50 {figures['import_p50_ms'] or 0:.0f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--import-rows", type=int, default=300)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    server = server_url()
    url = with_database(server, DATABASE)
    with tempfile.TemporaryDirectory(prefix="stepwise-bench-wrk-") as name:
        tmp = Path(name)
        asyncio.run(recreate_database(server, DATABASE))
        load_demo(url, tmp)
        bare = baseline(args, tmp)
        service = Service(url, tmp, free_port())
        try:
            service.wait()
            stepwise, importer, site, written = asyncio.run(mixed(args, service.base, tmp))
        finally:
            service.stop()
        stepwise["found"], stepwise["rows"] = asyncio.run(landed(url, site, written))
    figures = summary(stepwise, bare, importer)
    report(args, figures)
    print(json.dumps(figures))
    if args.json:
        args.json.write_text(json.dumps(figures))
    errors = failures(stepwise, bare, importer, args.connections)
    for error in errors:
        print(f"  FAILED: {error}")
    raise SystemExit(1 if errors else 0)


if __name__ == "__main__":
    main()
