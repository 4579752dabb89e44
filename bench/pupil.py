"""One pupil's progress on every strand: hand-written SQL, the engine, the endpoint.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        /tmp/venv/bin/python -m bench.pupil [--runs 200] [--pupils 40] [--http asgi|uvicorn]

In one process, against stepwise_bench, at module --module of --year:

  (a) bench.handwritten.PUPIL_SQL through asyncpg as the owner (no row-level security);
  (b) the engine: SqlProgressQueries.facts(point, [school], pupil_id=...) in a unit of work
      with the trust admin's scope (row-level security on), as the API runs it;
  (c) GET /api/v1/pupils/{id}/progress?academic_year=&module= with a trust_admin token.

Each run takes the next of --pupils pupils judged at the point (a fixed sample, including
pupils with several stays), so the figures are not one pupil's cached rows. Every pupil's
strands, baselines, gains, days, expected gains and bands must agree first.
"""

import argparse
import asyncio
import time
import uuid
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
from bench.handwritten import PUPIL_SQL
from bench.http import serving, sign_in
from domain.analytics.progress import AssessmentPoint

Fact = tuple[str, str | None, float | None, int | None, float | None, str]


async def _sample(connection: Any, year: str, module: int, size: int) -> list[tuple[Any, Any]]:
    """`size` pupils judged at the point, spread over the schools; a few with several stays."""
    rows = await connection.fetch(
        """
        WITH judged AS (
            SELECT DISTINCT j.school_id, j.pupil_id
            FROM modules m JOIN judgements j ON j.school_id = m.school_id AND j.module_id = m.id
            WHERE m.academic_year = $1 AND m.sequence = $2
        ), stays AS (
            SELECT school_id, pupil_id, count(*) AS n FROM enrolments GROUP BY 1, 2
        )
        SELECT j.school_id, j.pupil_id
        FROM judged j JOIN stays s USING (school_id, pupil_id)
        ORDER BY s.n > 1 DESC, md5(j.pupil_id::text)
        LIMIT $3
        """,
        year,
        module,
        max(1, size // 5),
    )
    rest = await connection.fetch(
        """
        SELECT DISTINCT ON (md5(j.pupil_id::text)) j.school_id, j.pupil_id
        FROM modules m JOIN judgements j ON j.school_id = m.school_id AND j.module_id = m.id
        WHERE m.academic_year = $1 AND m.sequence = $2
        ORDER BY md5(j.pupil_id::text)
        LIMIT $3
        """,
        year,
        module,
        size,
    )
    chosen = [(r["school_id"], r["pupil_id"]) for r in rows]
    for r in rest:
        if len(chosen) < size and (r["school_id"], r["pupil_id"]) not in chosen:
            chosen.append((r["school_id"], r["pupil_id"]))
    return chosen


def _fact(strand: Any, on: Any, gain: Any, days: Any, expected: Any, band: Any) -> Fact:
    return (
        str(strand),
        on.isoformat() if on is not None else None,
        None if gain is None else round(float(gain), 9),
        None if days is None else int(days),
        None if expected is None else round(float(expected), 9),
        str(band),
    )


async def run(args: argparse.Namespace) -> None:
    connection = await connect({"jit": args.jit})
    trust = await load_trust(connection)
    facts = await server_facts(connection)
    pupils = await _sample(connection, args.year, args.module, args.pupils)
    point = AssessmentPoint(args.year, args.module)
    database = app_database(args.jit, parallelism=2)

    async def handwritten(school_id: uuid.UUID, pupil_id: uuid.UUID) -> list[Fact]:
        rows = await connection.fetch(
            PUPIL_SQL, [school_id], args.year, args.module, CURRENT_YEAR_START, pupil_id
        )
        return [
            _fact(r["strand_id"], r["start_on"], r["gain"], r["days"], r["expected"], r["band"])
            for r in rows
        ]

    async def engine(school_id: uuid.UUID, pupil_id: uuid.UUID) -> list[Fact]:
        async with database.unit_of_work(trust.scope) as uow:
            found = await uow.progress.facts(
                point, [school_id], CURRENT_YEAR_START, pupil_id=pupil_id
            )
        return sorted(
            _fact(f.strand_id, f.baseline_on, f.gain, f.days_on_roll, f.expected_gain, f.band.value)
            for f in found
        )

    async with serving(database, args.http) as client:
        headers = await sign_in(client)

        async def endpoint(school_id: uuid.UUID, pupil_id: uuid.UUID) -> list[tuple[str, str]]:
            response = await client.get(
                f"/api/v1/pupils/{pupil_id}/progress",
                params={"academic_year": args.year, "module": args.module},
                headers=headers,
            )
            response.raise_for_status()
            return sorted((s["strand_id"], s["band"]) for s in response.json()["strands"])

        strands = 0
        for school_id, pupil_id in pupils:
            expected = sorted(await handwritten(school_id, pupil_id))
            if await engine(school_id, pupil_id) != expected:
                raise SystemExit(f"pupil {pupil_id}: the engine and the hand-written SQL disagree")
            if await endpoint(school_id, pupil_id) != [(f[0], f[5]) for f in expected]:
                raise SystemExit(f"pupil {pupil_id}: the endpoint's bands differ")
            strands += len(expected)
        print(
            f"Verified {len(pupils)} pupils ({strands} pupil-strands) at {args.year} module"
            f" {args.module}: identical facts"
        )

        variants: dict[str, Any] = {
            "(a) hand-written SQL": handwritten,
            "(b) engine via ProgressQueries (RLS)": engine,
            "(c) HTTP GET /pupils/{id}/progress": endpoint,
        }
        timings = {name: Timings(name) for name in variants}
        names = list(variants)
        for i in range(args.warmup):
            for name in names:
                await variants[name](*pupils[i % len(pupils)])
        started = time.monotonic()
        for i in range(args.runs):
            school_id, pupil_id = pupils[i % len(pupils)]
            shift = i % len(names)
            for name in names[shift:] + names[:shift]:
                t0 = time.perf_counter()
                await variants[name](school_id, pupil_id)
                timings[name].add(time.perf_counter() - t0)
        elapsed = time.monotonic() - started

    await database.dispose()
    await connection.close()
    print()
    print(f"Server: {facts}")
    print(
        f"HTTP: {args.http}; JIT: {args.jit}; {args.runs} timed runs over {len(pupils)} pupils"
        f" after {args.warmup} warm-up runs ({elapsed:.0f} s)"
    )
    print()
    t = list(timings.values())
    print(report(t, t[0], f"One pupil, all strands ({args.year} module {args.module})"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", default="2025/26")
    parser.add_argument("--module", type=int, default=6)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--pupils", type=int, default=40)
    parser.add_argument("--http", choices=("asgi", "uvicorn"), default="asgi")
    parser.add_argument("--jit", choices=("on", "off"), default="off")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
