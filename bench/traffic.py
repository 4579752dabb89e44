"""Mixed, bounded HTTP traffic against a running `stepwise serve`, for the load and fault runs.

Teachers record judgements (each on a pupil, strand and module nobody has judged, so every
write is a new row with a known natural key) and read their pupils and a pupil's progress;
analysts read a school's summary report (JSON) and the trust-wide cohort analysis; one
school admin imports a CSV of judgements with an `Idempotency-Key`, over and over, each
file moving every row one step. Every response's kind, status and latency is recorded, and
every acknowledged write by its id, so a run can be checked against the database afterwards.

With `retry=True` (the fault run) a write answered 503 is sent again after the response's
`Retry-After`, the same body (and for an import the same `Idempotency-Key`), until it is
acknowledged or the run ends; reads are not retried. Set up on a database loaded by
`stepwise demo`: the demo's own accounts sign in.
"""

import asyncio
import itertools
import math
import random
import statistics
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import httpx

from cli.demo.accounts import ACCOUNTS, DemoAccount
from domain.kernel.access import Role
from domain.kernel.clock import SYSTEM_CLOCK

#: a client gives up on a request after this long: a response slower than this is a hang
CLIENT_TIMEOUT_S = 30.0
#: modules made per school for the run's new judgements (the most a school year allows)
MODULES_PER_SCHOOL = 20
#: runs write in an academic year before this one (the demo's years are all after it)
LAST_RUN_YEAR = 2016


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str
    status: int  # 0: no response (connection error or client timeout)
    ms: float
    at: float  # time.monotonic() when sent
    detail: str = ""
    retry_after: str | None = None

    @property
    def done(self) -> float:
        """time.monotonic() when answered."""
        return self.at + self.ms / 1000


@dataclass(frozen=True, slots=True)
class JudgementKey:
    pupil_id: str
    strand_id: str
    module_id: str


@dataclass
class Recorder:
    outcomes: list[Outcome] = field(default_factory=list)
    #: acknowledged judgement writes: id -> its natural key (201)
    written: dict[str, JudgementKey] = field(default_factory=dict)
    #: writes retried after a 503 and answered 409: the first attempt had committed
    conflicted_retries: list[JudgementKey] = field(default_factory=list)
    #: the last acknowledged import: its rows' (upn, strand code, module sequence) -> step code
    imported: dict[tuple[str, str, int], str] = field(default_factory=dict)
    imports_acknowledged: int = 0
    #: writes sent again (same body; an import with the same Idempotency-Key) after no 2xx
    resent: int = 0
    imports_replayed: int = 0
    started: float = field(default_factory=time.monotonic)
    ended: float = 0.0

    def add(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    def errors(self) -> list[Outcome]:
        """Anything not 2xx: what a load run must have none of."""
        return [o for o in self.outcomes if not 200 <= o.status < 300]

    def by_kind(self) -> dict[str, list[Outcome]]:
        kinds: dict[str, list[Outcome]] = defaultdict(list)
        for o in self.outcomes:
            kinds[o.kind].append(o)
        return dict(sorted(kinds.items()))

    def table(self) -> str:
        """A Markdown table: per kind, requests, statuses, p50 / p95 / max ms, requests/s."""
        seconds = max(self.ended - self.started, 1e-9)
        lines = [
            "| request | n | non-2xx | p50 ms | p95 ms | max ms | req/s |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for kind, outcomes in [*self.by_kind().items(), ("all", self.outcomes)]:
            ms = [o.ms for o in outcomes]
            bad = sum(1 for o in outcomes if not 200 <= o.status < 300)
            lines.append(
                f"| {kind} | {len(ms)} | {bad} | {statistics.median(ms):.1f}"
                f" | {percentile(ms, 95):.1f} | {max(ms):.1f} | {len(ms) / seconds:.1f} |"
            )
        return "\n".join(lines)

    def statuses(self) -> dict[int, int]:
        return dict(sorted(Counter(o.status for o in self.outcomes).items()))


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class SchoolSite:
    """One demo school as its staff see it."""

    id: str
    teacher: dict[str, str]
    admin: dict[str, str]
    pupils: list[dict[str, Any]]
    strands: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    modules: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Site:
    """What the traffic needs: the schools, the analyst, the point analysed."""

    trust_id: str
    analyst: dict[str, str]
    schools: list[SchoolSite]
    academic_year: str
    module: int
    run_year: int  # the (otherwise empty) academic year the run's new judgements go in


async def sign_in(client: httpx.AsyncClient, account: DemoAccount) -> dict[str, str]:
    response = await client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": account.email, "password": account.password},
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _get(client: httpx.AsyncClient, url: str, headers: dict[str, str], **params: Any) -> Any:
    response = await client.get(url, headers=headers, params=params)
    response.raise_for_status()
    return response.json()


def _account(role: Role, school_key: str | None = None) -> DemoAccount:
    return next(
        a
        for a in ACCOUNTS
        if a.role is role and (school_key is None or (a.school and a.school.key == school_key))
    )


async def _school(client: httpx.AsyncClient, key: str) -> SchoolSite:
    teacher = await sign_in(client, _account(Role.TEACHER, key))
    admin = await sign_in(client, _account(Role.SCHOOL_ADMIN, key))
    me = await _get(client, "/api/v1/auth/me", teacher)
    school_id = me["school_ids"][0]
    pupils = await _get(client, "/api/v1/pupils", teacher, school_id=school_id, limit=500)
    frameworks = await _get(client, "/api/v1/frameworks", teacher, school_id=school_id)
    framework = max(frameworks["items"], key=lambda f: len(f["strands"]))
    return SchoolSite(
        school_id,
        teacher,
        admin,
        [p for p in pupils["items"] if p["upn"]],
        framework["strands"],
        framework["steps"],
    )


async def _free_year(client: httpx.AsyncClient, site: SchoolSite, rng: random.Random) -> int:
    """An academic year long past with no modules yet, so this run's keys are all new."""
    while True:
        year = rng.randrange(1990, LAST_RUN_YEAR)
        label = f"{year}/{(year + 1) % 100:02d}"
        found = await _get(
            client, "/api/v1/modules", site.admin, school_id=site.id, academic_year=label
        )
        if not found["items"]:
            return year


async def _add_modules(client: httpx.AsyncClient, school: SchoolSite, year: int) -> None:
    """MODULES_PER_SCHOOL fortnightly modules in `year` (in the past: judgements default to
    the module's last day)."""
    label = f"{year}/{(year + 1) % 100:02d}"
    start = date(year, 9, 1)
    for n in range(1, MODULES_PER_SCHOOL + 1):
        begins = start + timedelta(days=14 * (n - 1))
        response = await client.post(
            "/api/v1/modules",
            headers=school.admin,
            json={
                "school_id": school.id,
                "academic_year": label,
                "sequence": n,
                "name": f"Load run {n}",
                "starts_on": begins.isoformat(),
                "ends_on": (begins + timedelta(days=13)).isoformat(),
            },
        )
        response.raise_for_status()
        school.modules.append(response.json())


async def prepare(base: str, seed: int = 7) -> Site:
    """Sign the demo's staff in, read what they see and add the run's modules."""
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=CLIENT_TIMEOUT_S) as client:
        analyst = await sign_in(client, _account(Role.TRUST_ANALYST))
        me = await _get(client, "/api/v1/auth/me", analyst)
        schools = [
            await _school(client, a.school.key)
            for a in ACCOUNTS
            if a.role is Role.TEACHER and a.school is not None
        ]
        year = await _free_year(client, schools[0], rng)
        for school in schools:
            await _add_modules(client, school, year)
        # the latest module the first school has ended: what an analyst would look at
        modules = await _get(client, "/api/v1/modules", analyst, school_id=schools[0].id, limit=500)
        today = SYSTEM_CLOCK.today()
        ended = [
            m
            for m in modules["items"]
            if date.fromisoformat(m["ends_on"]) < today
            and int(m["academic_year"][:4]) >= LAST_RUN_YEAR
        ]
        latest = max(ended, key=lambda m: (m["academic_year"], m["sequence"]))
    return Site(me["trust_id"], analyst, schools, latest["academic_year"], latest["sequence"], year)


def judgement_keys(school: SchoolSite, rng: random.Random) -> Iterator[JudgementKey]:
    """Every new (pupil, strand, run module) of a school once, in a random order."""
    keys = [
        JudgementKey(p["id"], s["id"], m["id"])
        for p, s, m in itertools.product(school.pupils, school.strands, school.modules)
    ]
    rng.shuffle(keys)
    return iter(keys)


class Traffic:
    """The workers of one run, sharing one client, one recorder and one deadline."""

    def __init__(self, client: httpx.AsyncClient, site: Site, seconds: float, retry: bool):
        self.client = client
        self.site = site
        self.deadline = time.monotonic() + seconds
        self.retry = retry
        self.recorder = Recorder()

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    async def request(
        self, kind: str, method: str, url: str, **kwargs: Any
    ) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response = await self.client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            ms = (time.monotonic() - started) * 1000
            self.recorder.add(Outcome(kind, 0, ms, started, type(error).__name__))
            return None
        ms = (time.monotonic() - started) * 1000
        detail = "" if response.is_success else response.text[:300]
        after = response.headers.get("Retry-After")
        self.recorder.add(Outcome(kind, response.status_code, ms, started, detail, after))
        return response

    async def read(self, kind: str, url: str, headers: dict[str, str], **params: Any) -> None:
        """A GET, not retried; after a 503 the caller waits as Retry-After asks."""
        response = await self.request(kind, "GET", url, headers=headers, params=params)
        if response is not None and response.status_code == 503:
            await self._pause(response)

    async def _pause(self, response: httpx.Response | None) -> None:
        wait = 0.5
        if response is not None and (after := response.headers.get("Retry-After")):
            wait = min(float(after), 2.0)
        await asyncio.sleep(wait)

    async def teacher(self, school: SchoolSite, keys: Iterator[JudgementKey], seed: int) -> None:
        """Mostly recording judgements; now and then the class list or a pupil's progress."""
        rng = random.Random(seed)
        while self.running():
            roll = rng.random()
            if roll < 0.6 and (key := next(keys, None)) is not None:
                await self._record(school, key, rng.choice(school.steps)["id"])
                continue
            if roll < 0.8:
                await self.read(
                    "GET pupils (class list)",
                    "/api/v1/pupils",
                    school.teacher,
                    school_id=school.id,
                    limit=50,
                )
            else:
                pupil = rng.choice(school.pupils)
                url = f"/api/v1/pupils/{pupil['id']}/progress"
                await self.read("GET pupil progress", url, school.teacher)

    async def _record(self, school: SchoolSite, key: JudgementKey, step_id: str) -> None:
        body = {
            "pupil_id": key.pupil_id,
            "strand_id": key.strand_id,
            "module_id": key.module_id,
            "step_id": step_id,
        }
        retried = False
        while True:
            response = await self.request(
                "POST judgement", "POST", "/api/v1/judgements", headers=school.teacher, json=body
            )
            if response is not None and response.status_code == 201:
                self.recorder.written[response.json()["id"]] = key
                return
            if retried and response is not None and response.status_code == 409:
                self.recorder.conflicted_retries.append(key)
                return
            if not (self.retry and self.running()):
                return
            retried = True
            self.recorder.resent += 1
            await self._pause(response)

    async def analyst(self, seed: int) -> None:
        """A school's summary report or the trust's cohort analysis, one after another."""
        rng = random.Random(seed)
        site = self.site
        while self.running():
            if rng.random() < 0.5:
                school = rng.choice(site.schools)
                url = f"/api/v1/reports/schools/{school.id}/summary"
                await self.read("GET school summary report", url, site.analyst, format="json")
            else:
                await self.read(
                    "GET trust cohort analysis",
                    "/api/v1/analytics/cohort",
                    site.analyst,
                    trust_id=site.trust_id,
                    academic_year=site.academic_year,
                    module=site.module,
                )

    async def importer(self, school: SchoolSite, rows: int) -> None:
        """The same pupils, strands and module each time, every step moved on one; each file
        with its own Idempotency-Key (kept across retries of that file)."""
        label = f"{self.site.run_year}/{(self.site.run_year + 1) % 100:02d}"
        module = school.modules[-1]
        cells = list(itertools.product(school.pupils, school.strands))[:rows]
        day = module["ends_on"]
        for round_ in itertools.count():
            if not self.running():
                return
            content = {
                (p["upn"], s["code"], module["sequence"]): school.steps[
                    (round_ + n) % len(school.steps)
                ]["code"]
                for n, (p, s) in enumerate(cells)
            }
            lines = ["UPN,Strand,Academic Year,Module,Step,Date"] + [
                f"{upn},{strand},{label},{seq},{step},{day}"
                for (upn, strand, seq), step in content.items()
            ]
            headers = school.admin | {
                "Content-Type": "text/csv",
                "Idempotency-Key": f"load-{uuid.uuid4()}",  # new in every run, kept on retries
            }
            while True:
                response = await self.request(
                    "POST import (CSV)",
                    "POST",
                    "/api/v1/imports/judgements",
                    headers=headers,
                    params={"school_id": school.id, "source": f"round-{round_}.csv"},
                    content="\n".join(lines).encode(),
                )
                if response is not None and response.status_code == 200:
                    self.recorder.imported = content
                    self.recorder.imports_acknowledged += 1
                    if response.headers.get("Idempotent-Replayed") == "true":
                        self.recorder.imports_replayed += 1
                    break
                if not (self.retry and self.running()):
                    return
                self.recorder.resent += 1
                await self._pause(response)


async def drive(
    base: str,
    site: Site,
    seconds: float,
    *,
    teachers_per_school: int = 2,
    analysts: int = 2,
    import_rows: int = 300,
    retry: bool = False,
    seed: int = 11,
) -> Recorder:
    """Run every worker until `seconds` have passed; the recorder holds what they saw."""
    # idle connections dropped well before uvicorn's 5 s keep-alive closes them, so a request
    # never goes out on a connection the server is closing (a client-side ReadError)
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100, keepalive_expiry=2)
    async with httpx.AsyncClient(base_url=base, timeout=CLIENT_TIMEOUT_S, limits=limits) as client:
        traffic = Traffic(client, site, seconds, retry)
        rng = random.Random(seed)
        workers = []
        # the importing school's admin writes its run module; its teachers keep off that one
        importing, teaching = site.schools[-1], site.schools
        for school in teaching:
            keys = judgement_keys(teaching_modules(school, importing), rng)
            workers += [
                traffic.teacher(school, keys, rng.getrandbits(32))
                for _ in range(teachers_per_school)
            ]
        workers += [traffic.analyst(rng.getrandbits(32)) for _ in range(analysts)]
        if import_rows:
            workers.append(traffic.importer(importing, import_rows))
        traffic.recorder.started = time.monotonic()
        await asyncio.gather(*workers)
        traffic.recorder.ended = time.monotonic()
    return traffic.recorder


def teaching_modules(school: SchoolSite, importing: SchoolSite) -> SchoolSite:
    """The school as its teachers write to it: not in the module its imports write."""
    return school if school is not importing else replace(school, modules=school.modules[:-1])
