"""Trust-wide cohort analysis for one module: hand-written SQL, the engine, the endpoint.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        /tmp/venv/bin/python -m bench.cohort [--runs 30] [--http asgi|uvicorn] \\
            [--jit off|on] [--parallelism 2]

In one process, against stepwise_bench (bench/generate.py), for the whole trust (50
schools) at module --module of --year, with every group the engine computes:

  (a) bench.handwritten.COHORT_SQL through asyncpg, as the owner (no row-level security),
      as one statement;
  (a2) the same SQL with the schools split over --parallelism connections, run
      concurrently and added up in Python: the engine's own strategy, hand-written;
  (b) the engine: SqlProgressQueries.cohort through persistence.database.Database (built
      as the app builds it, with --jit and --parallelism as its settings) and a unit of
      work with the trust admin's scope, so as role stepwise_app under row-level
      security, exactly as the API runs it;
  (c) GET /api/v1/analytics/cohort?trust_id=... through httpx with a trust_admin token,
      on the real app (ASGI in-process, or uvicorn on 127.0.0.1 with --http uvicorn).

(a), (a2) and (b) must give identical rows, and (c) the same counts, before anything is
timed.
The endpoint by default also computes the same module last year; so there are two sets:
one module ((a), (b), (c) with compare_last_year=false) and with last year ((a) run for
both modules, (b) both in one unit of work, (c) the default). Each run times every
variant in a rotating order, so load on the machine hits them alike; the warm-up runs
first (they also take the statements past PostgreSQL's five custom plans to the plan
they keep using). Ratios are against (a) in the same run.
"""

import argparse
import asyncio
import time
from typing import Any

from bench.common import (
    CURRENT_YEAR_START,
    Timings,
    app_database,
    connect,
    load_trust,
    report,
    server_facts,
)
from bench.handwritten import COHORT_SQL
from bench.http import serving, sign_in
from domain.analytics.progress import DIMENSIONS, AssessmentPoint, GroupCounts
from domain.kernel.calendar import AcademicYear

Row = tuple[str, str | None, int, int, int, int, int]


def _row(r: Any) -> Row:
    return (
        r["dimension"],
        r["value"],
        int(r["judged"]),
        int(r["measured"]),
        int(r["expected_or_better"]),
        int(r["above_or_better"]),
        int(r["accelerated"]),
    )


def _rows(records: list[Any]) -> list[Row]:
    return sorted(_row(r) for r in records)


def _engine_rows(groups: list[GroupCounts]) -> list[Row]:
    return sorted(
        (
            g.dimension,
            g.value,
            g.counts.judged,
            g.counts.measured,
            g.counts.expected_or_better,
            g.counts.above_or_better,
            g.counts.accelerated,
        )
        for g in groups
    )


def _http_rows(snapshot: dict[str, Any]) -> list[Row]:
    return _rows([snapshot["cohort"], *snapshot["groups"]])


async def run(args: argparse.Namespace) -> None:
    connection = await connect({"jit": args.jit})
    helpers = [await connect({"jit": args.jit}) for _ in range(args.parallelism)]
    trust = await load_trust(connection)
    facts = await server_facts(connection)
    schools = list(trust.school_ids)
    parts = [schools[i :: args.parallelism] for i in range(args.parallelism)]
    year, module = args.year, args.module
    last = AcademicYear.parse(year).previous().label
    database = app_database(args.jit, args.parallelism)

    async def handwritten(academic_year: str) -> list[Row]:
        records = await connection.fetch(
            COHORT_SQL, schools, academic_year, module, CURRENT_YEAR_START
        )
        return _rows(records)

    async def handwritten_split(academic_year: str) -> list[Row]:
        results = await asyncio.gather(
            *(
                helper.fetch(COHORT_SQL, part, academic_year, module, CURRENT_YEAR_START)
                for helper, part in zip(helpers, parts, strict=True)
            )
        )
        return _added([_row(r) for records in results for r in records])

    async def engine(*years: str) -> list[list[Row]]:
        async with database.unit_of_work(trust.scope) as uow:
            return [
                _engine_rows(
                    await uow.progress.cohort(
                        AssessmentPoint(y, module), schools, CURRENT_YEAR_START, None, DIMENSIONS
                    )
                )
                for y in years
            ]

    async with serving(database, args.http) as client:
        headers = await sign_in(client)

        async def endpoint(compare: bool) -> dict[str, Any]:
            response = await client.get(
                "/api/v1/analytics/cohort",
                params={
                    "academic_year": year,
                    "module": module,
                    "trust_id": str(trust.id),
                    "compare_last_year": str(compare).lower(),
                },
                headers=headers,
            )
            response.raise_for_status()
            body: dict[str, Any] = response.json()
            return body

        # --- the same numbers, or nothing is timed ------------------------------------
        expected_now, expected_last = await handwritten(year), await handwritten(last)
        if await handwritten_split(year) != expected_now:
            raise SystemExit("the hand-written SQL in parts does not add up: not timing it")
        engine_now, engine_last = await engine(year, last)
        if engine_now != expected_now or engine_last != expected_last:
            raise SystemExit("the engine and the hand-written SQL disagree: not timing them")
        body = await endpoint(True)
        if (
            _http_rows(body["this_year"]) != expected_now
            or _http_rows(body["last_year"]) != expected_last
        ):
            raise SystemExit("the endpoint's counts differ from the hand-written SQL")
        cohort = next(r for r in expected_now if r[0] == "")
        print(
            f"Verified: {len(expected_now)} rows (cohort + groups) identical for {year} module"
            f" {module} and {len(expected_last)} for {last}; cohort judged {cohort[2]:,},"
            f" measured {cohort[3]:,}, expected+ {cohort[4]:,}, above+ {cohort[5]:,},"
            f" accelerated {cohort[6]:,}"
        )

        split = f"in {args.parallelism} parts"
        variants: dict[str, Any] = {
            "(a) hand-written SQL, one statement": lambda: handwritten(year),
            f"(a2) hand-written SQL, {split}": lambda: handwritten_split(year),
            f"(b) engine via ProgressQueries (RLS, {split})": lambda: engine(year),
            "(c) HTTP, compare_last_year=false": lambda: endpoint(False),
            "(a) hand-written SQL, both years": lambda: _both(handwritten, year, last),
            "(b) engine, both years, one unit of work": lambda: engine(year, last),
            "(c) HTTP, default (with last year)": lambda: endpoint(True),
        }
        timings = {name: Timings(name) for name in variants}
        names = list(variants)
        for _ in range(args.warmup):
            for name in names:
                await variants[name]()
        started = time.monotonic()
        for i in range(args.runs):
            shift = i % len(names)
            for name in names[shift:] + names[:shift]:
                t0 = time.perf_counter()
                await variants[name]()
                timings[name].add(time.perf_counter() - t0)
        elapsed = time.monotonic() - started

    await database.dispose()
    await connection.close()
    for helper in helpers:
        await helper.close()
    t = list(timings.values())
    print()
    print(f"Server: {facts}")
    print(
        f"HTTP: {args.http}; JIT: {args.jit}; parallelism: {args.parallelism};"
        f" {args.runs} timed runs after {args.warmup} warm-up runs ({elapsed:.0f} s)"
    )
    print()
    print(report(t[:4], t[0], f"One module ({year} module {module}), trust-wide"))
    print()
    print(report(t[1:4], t[1], "The same, against the hand-written SQL in parts"))
    print()
    print(report(t[4:], t[4], f"With the same module last year ({last})"))


def _added(rows: list[Row]) -> list[Row]:
    """Rows of disjoint sets of schools, added up per (dimension, value)."""
    totals: dict[tuple[str, str | None], list[int]] = {}
    for dimension, value, *counts in rows:
        total = totals.setdefault((dimension, value), [0] * len(counts))
        for i, n in enumerate(counts):
            total[i] += n
    return sorted((d, v, *t) for (d, v), t in totals.items())  # type: ignore[misc]


async def _both(handwritten: Any, year: str, last: str) -> None:
    await handwritten(year)
    await handwritten(last)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", default="2025/26")
    parser.add_argument("--module", type=int, default=6)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=6)
    parser.add_argument("--http", choices=("asgi", "uvicorn"), default="asgi")
    parser.add_argument(
        "--jit",
        choices=("on", "off"),
        default="off",
        help="PostgreSQL's jit for every connection of the run (the app's default is off)",
    )
    parser.add_argument(
        "--parallelism",
        type=int,
        default=2,
        help="connections the engine (and a2) split the schools over (the app's default, 2)",
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
