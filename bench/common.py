"""What the benchmarks share: the bench database, the trust's scope, timing and tables."""

import math
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from bench.generate import TRUST_NAME, bench_url
from domain.kernel.calendar import AcademicYear
from domain.kernel.clock import SYSTEM_CLOCK
from persistence.database import Database
from persistence.scope import Scope
from persistence.settings import DatabaseSettings
from persistence.urls import libpq_url

#: the academic year "today" is in, as the service computes it (domain.clock's UTC today)
CURRENT_YEAR_START = AcademicYear.containing(SYSTEM_CLOCK.today()).start_year


@dataclass(frozen=True, slots=True)
class Trust:
    id: uuid.UUID
    school_ids: tuple[uuid.UUID, ...]

    @property
    def scope(self) -> Scope:
        """A trust admin's scope, as the API resolves it: the trust and all its schools."""
        return Scope(frozenset(self.school_ids), frozenset({self.id}))


async def connect(settings: dict[str, str] | None = None) -> asyncpg.Connection:
    """A plain asyncpg connection to the bench database, as its owner (no row-level security)."""
    return await asyncpg.connect(libpq_url(bench_url()), server_settings=settings or {})


async def load_trust(connection: asyncpg.Connection) -> Trust:
    trust_id = await connection.fetchval("SELECT id FROM trusts WHERE name = $1", TRUST_NAME)
    if trust_id is None:
        raise SystemExit("stepwise_bench has no benchmark trust: run `python -m bench.generate`")
    schools = await connection.fetch(
        "SELECT id FROM schools WHERE trust_id = $1 ORDER BY id", trust_id
    )
    return Trust(trust_id, tuple(r["id"] for r in schools))


def app_database(jit: str, parallelism: int) -> Database:
    """The service's Database on the bench database, built as the app builds it
    (persistence.engine), with its jit and analytics parallelism settings."""
    settings = DatabaseSettings(
        url=bench_url(),
        pool_size=5,
        max_overflow=5,
        jit=jit == "on",
        analytics_parallelism=parallelism,
    )
    return Database.connect(bench_url(), settings)


async def policy_kind(connection: asyncpg.Connection) -> str:
    """How judgements' row-level security policy reads the scope: once per statement (an
    InitPlan, migration 0005) or once per row (0002 to 0004)."""
    qual = await connection.fetchval(
        "SELECT qual FROM pg_policies"
        " WHERE tablename = 'judgements' AND policyname = 'scope_isolation'"
    )
    return "once per statement (0005)" if qual and "SELECT" in qual.upper() else "per row"


async def server_facts(connection: asyncpg.Connection) -> dict[str, str]:
    facts = {}
    for name in (
        "server_version",
        "shared_buffers",
        "work_mem",
        "jit",
        "max_parallel_workers_per_gather",
    ):
        facts[name] = await connection.fetchval(f"SHOW {name}")
    indexes = await connection.fetch(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'judgements' ORDER BY indexname"
    )
    facts["judgement indexes"] = ", ".join(r["indexname"] for r in indexes)
    facts["row-level security"] = await policy_kind(connection)
    return facts


@dataclass
class Timings:
    name: str
    ms: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.ms.append(seconds * 1000)

    @property
    def p50(self) -> float:
        return statistics.median(self.ms)

    @property
    def p95(self) -> float:
        """Nearest-rank 95th percentile."""
        ordered = sorted(self.ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def max(self) -> float:
        return max(self.ms)


async def timed(timings: Timings, work: Callable[[], Awaitable[Any]]) -> Any:
    started = time.perf_counter()
    result = await work()
    timings.add(time.perf_counter() - started)
    return result


def report(rows: list[Timings], baseline: Timings, title: str) -> str:
    """A Markdown table: p50 / p95 / max and each row's ratio to `baseline` (p50 and p95)."""
    lines = [
        f"### {title}",
        "",
        "| | runs | p50 ms | p95 ms | max ms | p50 / baseline | p95 / baseline |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for t in rows:
        lines.append(
            f"| {t.name} | {len(t.ms)} | {t.p50:.1f} | {t.p95:.1f} | {t.max:.1f} "
            f"| {t.p50 / baseline.p50:.2f} | {t.p95 / baseline.p95:.2f} |"
        )
    return "\n".join(lines)
