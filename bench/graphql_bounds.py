"""GraphQL under attack: is `/health` still quick, and does the server's memory stay put?

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python -m bench.graphql_bounds [--seconds 30] [--clients 10]

Makes its own database (`stepwise_bench_graphql`, or BENCH_GRAPHQL_DATABASE), loads it with
`stepwise demo`, tops the demo teacher's school up to 100 pupils with 100 judgements or more
each (through the API's imports), and starts `stepwise serve` in a process of its own. Then:

1. **Baseline**: `/health` probed every 20 ms with nothing else running, `--baseline` seconds.
2. **Refusal**: the issue's cyclic query (`school { pupils { school { pupils ... } } }`, a
   page of 100 at each turn) sent as the teacher 20 times; each must be refused as too costly.
3. **Attack**: `--clients` clients send, as the teacher, the costliest queries that fit the
   teacher's budget (a wide tree, the cycle at the largest page that fits, 30 aliases, and
   reports), one after another for `--seconds`, while `/health` is probed as in (1) and the
   server's resident memory is read from /proc every 100 ms.

Prints /health p50 / p99 / max alone and under attack (and the ratio), the refusal times, the
attack's requests, and the server's RSS before, at its peak and after. Every query sent in (3)
is priced with the app's own cost analysis first and must fit the budget; any 5xx, any refusal
of a fitting query or any answer with errors fails the run (exit 1).
"""

import argparse
import asyncio
import csv
import io
import json
import multiprocessing
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from graphql import parse

from api.graphql.cost import operation_cost
from api.graphql.errors import TIMED_OUT
from api.graphql.schema import build_schema
from api.settings import ApiSettings
from bench.generate import server_url
from bench.load import recreate_database
from bench.service import Service, free_port, load_demo
from bench.traffic import percentile, sign_in
from cli.demo.accounts import ACCOUNTS
from domain.kernel.access import Role
from domain.kernel.clock import SYSTEM_CLOCK
from persistence.urls import with_database

DATABASE = os.environ.get("BENCH_GRAPHQL_DATABASE", "stepwise_bench_graphql")
TEACHER = next(a for a in ACCOUNTS if a.role is Role.TEACHER)
BUDGET = ApiSettings().graphql_budgets[Role.TEACHER]
SCHEMA = build_schema()._schema
PUPILS = 100
JUDGEMENTS_EACH = 100

CYCLE = """
query ($id: UUID!) {
  school(id: $id) { pupils(first: %(n)d) { nodes { school { pupils(first: %(n)d) { nodes {
    school { pupils(first: %(n)d) { nodes { id } } } } } } } } }
}
"""

WIDE = """
query ($id: UUID!) {
  school(id: $id) { name pupils(first: 100) { nodes {
    id forename surname yearGroup pathway version
    judgements(first: %(n)d) { nodes {
      id kind assessedOn assessor note version step { code label value }
    } }
  } } }
}
"""

ALIASES = (
    "query ($id: UUID!) { "
    + " ".join(
        f"a{i}: pupils(schoolId: $id, first: 100) {{ nodes {{ id forename surname yearGroup"
        " gender version } }"
        for i in range(30)
    )
    + " }"
)

REPORTS = """
query ($id: UUID!) {
  a: cohortAnalysis(academicYear: "%(year)s", module: %(module)d, schoolId: $id) {
    thisYear { cohort { measured } groups { dimension value measured } } }
  b: attendanceSummary(schoolId: $id) { groups { value possible } pupils { pupilId present } }
  c: flagWorklist(academicYear: "%(year)s", module: %(module)d, schoolId: $id) {
    pupils { pupilId } }
  d: missingJudgements(academicYear: "%(year)s", module: %(module)d, schoolId: $id) { total }
}
"""


def cost(query: str, variables: dict[str, Any]) -> int:
    return operation_cost(SCHEMA, parse(query), None, variables)


def largest_fitting(template: str, variables: dict[str, Any], top: int) -> str:
    """The template at the largest `n` (up to `top`) whose cost fits the teacher's budget."""
    for n in range(top, 0, -1):
        query = template % {"n": n}
        if cost(query, variables) <= BUDGET:
            return query
    raise ValueError("no size fits the budget")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


@dataclass
class Probe:
    """`/health` every 20 ms, from a process of its own: in the attackers' process its
    timings would include that process's own event loop, busy reading their answers."""

    latencies: list[float] = field(default_factory=list)
    failures: int = 0

    async def run(self, base: str, seconds: float) -> None:
        """Probe `base` for `seconds` in a separate process; the timings are read back."""
        context = multiprocessing.get_context("spawn")
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            process = context.Process(target=_probe_process, args=(base, seconds, out.name))
            process.start()
            await asyncio.to_thread(process.join)
            found = json.loads(await asyncio.to_thread(Path(out.name).read_text))
        self.latencies, self.failures = found["latencies"], found["failures"]

    def row(self, name: str) -> str:
        values = self.latencies
        return (
            f"| {name} | {len(values)} | {statistics.median(values):.1f} |"
            f" {percentile(values, 99):.1f} | {max(values):.1f} | {self.failures} |"
        )


def _probe_process(base: str, seconds: float, out: str) -> None:
    latencies: list[float] = []
    failures = 0

    async def probe() -> None:
        nonlocal failures
        deadline = time.monotonic() + seconds
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    if (await client.get("/health")).status_code != 200:
                        failures += 1
                except httpx.HTTPError:
                    failures += 1
                latencies.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(0.02)

    asyncio.run(probe())
    Path(out).write_text(json.dumps({"latencies": latencies, "failures": failures}))


@dataclass
class Attack:
    sent: int = 0
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    #: stopped at the time limit: what an overloaded service says, not a fault
    timed_out: int = 0
    problems: list[str] = field(default_factory=list)

    async def client(
        self,
        client: httpx.AsyncClient,
        headers: dict[str, str],
        queries: list[tuple[str, str, dict[str, Any]]],
        offset: int,
        deadline: float,
    ) -> None:
        n = offset
        while time.monotonic() < deadline:
            kind, query, variables = queries[n % len(queries)]
            n += 1
            started = time.perf_counter()
            response = await client.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            self.by_kind.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            self.sent += 1
            body = response.json() if response.status_code == 200 else {}
            codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
            if response.status_code == 200 and codes == [TIMED_OUT]:
                self.timed_out += 1
            elif response.status_code != 200 or codes:
                self.problems.append(f"{kind}: {response.status_code} {response.text[:200]}")


async def top_up(client: httpx.AsyncClient, school_id: str) -> tuple[str, int]:
    """The school gets PUPILS pupils on roll, each with JUDGEMENTS_EACH judgements or more;
    the academic year and number of the latest module it has ended."""
    admin = await sign_in(
        client,
        next(
            a
            for a in ACCOUNTS
            if a.role is Role.SCHOOL_ADMIN and a.school is not None and a.school == TEACHER.school
        ),
    )
    listed = await client.get(
        "/api/v1/pupils", params={"school_id": school_id, "limit": 500}, headers=admin
    )
    have = len(listed.json()["items"])
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["mis_id", "forename", "surname", "date_of_birth", "gender", "year_group",
                     "joined_on"])  # fmt: skip
    for n in range(have, PUPILS):
        writer.writerow([f"BENCH{n}", f"Bench{n}", "Pupil", "2012-03-04", "F", "8", "2020-09-01"])
    if have < PUPILS:
        done = await client.post(
            "/api/v1/imports/pupils",
            params={"school_id": school_id},
            content=rows.getvalue(),
            headers={**admin, "Content-Type": "text/csv"},
        )
        done.raise_for_status()
    frameworks = await client.get(
        "/api/v1/frameworks", params={"school_id": school_id}, headers=admin
    )
    framework = max(frameworks.json()["items"], key=lambda f: len(f["strands"]))
    modules = await client.get(
        "/api/v1/modules", params={"school_id": school_id, "limit": 500}, headers=admin
    )
    today = SYSTEM_CLOCK.today()
    ended = [m for m in modules.json()["items"] if date.fromisoformat(m["ends_on"]) < today]
    pairs = [(s["code"], m) for m in ended for s in framework["strands"]][:JUDGEMENTS_EACH]
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["mis_id", "framework", "strand", "academic_year", "module", "step"])
    step = framework["steps"][len(framework["steps"]) // 2]["code"]
    for n in range(have, PUPILS):
        for strand, module in pairs:
            writer.writerow([f"BENCH{n}", framework["name"], strand, module["academic_year"],
                             module["sequence"], step])  # fmt: skip
    if have < PUPILS:
        done = await client.post(
            "/api/v1/imports/judgements",
            params={"school_id": school_id, "atomic": "false"},
            content=rows.getvalue(),
            headers={**admin, "Content-Type": "text/csv"},
            timeout=300,
        )
        done.raise_for_status()
    latest = max(ended, key=lambda m: (m["academic_year"], m["sequence"]))
    return latest["academic_year"], latest["sequence"]


async def run(args: argparse.Namespace, service: Service) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=service.base, timeout=60) as client:
        teacher = await sign_in(client, TEACHER)
        school_id = (await client.get("/api/v1/auth/me", headers=teacher)).json()["school_ids"][0]
        year, module = await top_up(client, school_id)
        variables = {"id": school_id}
        queries = [
            ("wide tree", largest_fitting(WIDE, variables, 100), variables),
            ("cycle", largest_fitting(CYCLE, variables, 100), variables),
            ("30 aliases", ALIASES, variables),
            ("4 reports", REPORTS % {"year": year, "module": module}, variables),
        ]
        for kind, query, given in queries:
            priced = cost(query, given)
            if priced > BUDGET:
                raise SystemExit(f"{kind} costs {priced}, over the budget {BUDGET}")
        costs = {kind: cost(query, given) for kind, query, given in queries}
        pid = service.process.pid

        baseline = Probe()
        await baseline.run(service.base, args.baseline)

        refusals: list[float] = []
        attack_query = CYCLE % {"n": 100}
        for _ in range(20):
            started = time.perf_counter()
            answer = await client.post(
                "/graphql",
                json={"query": attack_query, "variables": variables},
                headers=teacher,
            )
            refusals.append((time.perf_counter() - started) * 1000)
            code = answer.json()["errors"][0]["extensions"]["code"]
            if code != "QUERY_TOO_COSTLY":
                raise SystemExit(f"the cyclic query was not refused: {answer.text[:300]}")

        before = rss_mb(pid)
        peak = before
        loaded, attack, done = Probe(), Attack(), asyncio.Event()
        deadline = time.monotonic() + args.seconds

        async def watch_memory() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, rss_mb(pid))
                await asyncio.sleep(0.1)

        async with httpx.AsyncClient(
            base_url=service.base, timeout=60, limits=httpx.Limits(max_connections=args.clients)
        ) as attackers:
            watcher = asyncio.create_task(watch_memory())
            probing = asyncio.create_task(loaded.run(service.base, args.seconds))
            await asyncio.gather(
                *(
                    attack.client(attackers, teacher, queries, n, deadline)
                    for n in range(args.clients)
                )
            )
            done.set()
            await asyncio.gather(probing, watcher)
        after = rss_mb(pid)
    return {
        "baseline": baseline,
        "loaded": loaded,
        "attack": attack,
        "refusals": refusals,
        "costs": costs,
        "rss": (before, peak, after),
    }


def report(args: argparse.Namespace, result: dict[str, Any]) -> str:
    baseline, loaded, attack = result["baseline"], result["loaded"], result["attack"]
    before, peak, after = result["rss"]
    refusals = result["refusals"]
    ratio = percentile(loaded.latencies, 99) / percentile(baseline.latencies, 99)
    lines = [
        f"teacher's budget {BUDGET:,}; {args.clients} clients for {args.seconds:.0f} s",
        "",
        "| /health | probes | p50 ms | p99 ms | max ms | failed |",
        "|---|---:|---:|---:|---:|---:|",
        baseline.row("alone"),
        loaded.row(f"under {args.clients} attackers"),
        "",
        f"p99 under attack / alone: {ratio:.1f}x",
        f"cyclic query refused in p50 {statistics.median(refusals):.1f} ms,"
        f" max {max(refusals):.1f} ms",
        "",
        "| attack query | cost | sent | p50 ms | max ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, times in attack.by_kind.items():
        lines.append(
            f"| {kind} | {result['costs'][kind]:,} | {len(times)} |"
            f" {statistics.median(times):.0f} | {max(times):.0f} |"
        )
    lines += [
        "",
        f"server RSS: {before:.0f} MB before, {peak:.0f} MB at peak (+{peak - before:.0f}),"
        f" {after:.0f} MB after",
        f"attack operations answered: {attack.sent - attack.timed_out - len(attack.problems)},"
        f" stopped at the time limit: {attack.timed_out}, other errors: {len(attack.problems)}",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--baseline", type=float, default=5)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--server-log", type=Path, help="keep the server's output here")
    args = parser.parse_args()
    server = server_url()
    url = with_database(server, DATABASE)
    with tempfile.TemporaryDirectory(prefix="stepwise-bench-graphql-") as tmp:
        data_dir = Path(tmp)
        asyncio.run(recreate_database(server, DATABASE))
        load_demo(url, data_dir)
        service = Service(url, data_dir, free_port())
        try:
            service.wait()
            result = asyncio.run(run(args, service))
        finally:
            service.stop()
            if args.server_log:
                shutil.copyfile(service.log, args.server_log)
    print(report(args, result))
    attack: Attack = result["attack"]
    for problem in attack.problems[:10]:
        print(problem)
    if args.json:
        before, peak, _ = result["rss"]
        args.json.write_text(
            json.dumps(
                {
                    "health_alone_p99": percentile(result["baseline"].latencies, 99),
                    "health_attacked_p99": percentile(result["loaded"].latencies, 99),
                    "health_failures": result["loaded"].failures,
                    "refusal_max_ms": max(result["refusals"]),
                    "sent": attack.sent,
                    "kinds": sorted(attack.by_kind),
                    "problems": len(attack.problems),
                    "timed_out": attack.timed_out,
                    "rss_growth_mb": peak - before,
                }
            )
        )
    if attack.problems or result["loaded"].failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
