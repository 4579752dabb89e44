"""Generate a realistic trust for the progress benchmarks, straight into PostgreSQL.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        /tmp/venv/bin/python -m bench.generate [--reset] [--seed N]

Creates (or reuses) the database `stepwise_bench` on DATABASE_URL's server, migrates it
with persistence.migrate.upgrade and loads, with asyncpg COPY into the tables (this is a
benchmark fixture: it bypasses the use cases, and foreign-key triggers are off while
loading):

- 1 trust, 50 schools (36 special on half-termly modules, 14 AP on 6-weekly points);
- one trust framework: 20 strands, 48 steps (eight stages of six, values 1..48);
- one active rate model with rules by start band and key stage (and any-stage fallbacks);
- 6 modules a year per school for 2021/22 .. 2025/26;
- 7,500 pupils (150 a school) with dated characteristics (SEN provision and ranked needs,
  Pupil Premium, FSM, EAL, looked after; built by the demo's own generators) and
  enrolments: most on roll throughout, some joining late, leaving, or leaving and
  rejoining (more of those at the AP schools);
- ~4.3M judgements (the full grid, 7,500 x 20 x 30, would be 4.5M): a baseline in each
  enrolment's first module, a checkpoint in every module after it on most strands, an
  exit judgement when a pupil leaves; steps rise at each pupil's own rate; a termly
  sample is moderated, some of it adjusted.

Judgements are written in the order schools would have recorded them (module by module),
so the table's physical order is realistic. The same seed gives the same rows. A
trust_admin account (printed at the end) lets the HTTP benchmark sign in.
"""

import argparse
import asyncio
import os
import random
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
from argon2 import PasswordHasher

from cli.demo.calendar import Window, half_terms, six_weekly_points
from cli.demo.names import BOYS, GIRLS, SURNAMES, TEACHERS
from cli.demo.needs import PROFILES, group_flags, pru_sen, special_school_sen
from domain.kernel.calendar import AcademicYear
from domain.pupils.pupil import Characteristic, SenProvision
from persistence.migrate import upgrade
from persistence.urls import libpq_url, with_database

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
#: the benchmark database on DATABASE_URL's server (BENCH_DATABASE names another, for tests)
DATABASE = os.environ.get("BENCH_DATABASE", "stepwise_bench")
TRUST_NAME = "Benchmark Learning Trust"
ADMIN_EMAIL = "bench.admin@bench.example"
ADMIN_PASSWORD = "bench-admin-password"  # noqa: S105 - a benchmark fixture's account
SYSTEM = "bench"

YEARS = [AcademicYear(y) for y in range(2021, 2026)]
TODAY = date(2026, 11, 23)  # the data is dated as if loaded on this day, whatever the clock
CURRENT = AcademicYear.containing(TODAY)

STRANDS = [
    ("READ", "Reading"),
    ("WRIT", "Writing"),
    ("SPEAK", "Speaking"),
    ("LIST", "Listening"),
    ("PHON", "Phonics"),
    ("NUM", "Number"),
    ("CALC", "Calculation"),
    ("SHAPE", "Shape and space"),
    ("MEAS", "Measures"),
    ("SCI", "Science"),
    ("COMP", "Computing"),
    ("PSHE", "PSHE"),
    ("PD", "Physical development"),
    ("ART", "Art and design"),
    ("MUS", "Music"),
    ("INDEP", "Independence"),
    ("SOC", "Social communication"),
    ("EMOT", "Emotional regulation"),
    ("LIFE", "Life skills"),
    ("WORK", "Work-related learning"),
]
STAGES = [
    ("Beg", "Beginning"),
    ("Beg+", "Beginning+"),
    ("Dev", "Developing"),
    ("Dev+", "Developing+"),
    ("Emb", "Embedded"),
    ("Emb+", "Embedded+"),
]
STEPS = [
    (f"S{stage}-{code}", f"Stage {stage} {label}", float((stage - 1) * 6 + n))
    for stage in range(1, 9)
    for n, (code, label) in enumerate(STAGES, start=1)
]
#: (start_min, start_max, rate a year by key stage; None = any key stage)
RATE_BANDS = [(0.0, 12.0, 4.0), (12.0, 24.0, 3.5), (24.0, 36.0, 3.0), (36.0, 100.0, 2.5)]
KEY_STAGE_SHIFT = {"EYFS": 0.5, "KS1": 0.5, "KS2": 0.25, "KS3": 0.0, "KS4": -0.25, "KS5": -0.5}
PATHWAYS = {"formal": 45, "semi-formal": 35, "pre-formal": 20}
PATHWAY_PACE = {"formal": 1.0, "semi-formal": 0.75, "pre-formal": 0.45, None: 1.1}
MODERATORS = ["Mrs Akande", "Mr Pullen", "Ms Varga", "Dr Heald"]
NOTES = [
    "Needed adult prompting to get started",
    "Generalising the skill in other lessons",
    "Working 1:1 with a TA on this strand",
    "Evidence in the learning journal",
    "Absent for part of the module",
]
_VERSION_AND_VARIANT = (0x7 << 76) | (0b10 << 62)


def uuid7(rng: random.Random, at: datetime) -> uuid.UUID:
    """A UUIDv7 for `at` with seeded random bits: time-ordered and reproducible."""
    millis = int(at.timestamp() * 1000) + rng.randrange(1000)
    rand = rng.getrandbits(74)
    value = (millis << 80) | _VERSION_AND_VARIANT | ((rand >> 62) << 64) | (rand & (2**62 - 1))
    return uuid.UUID(int=value)


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


# --- the plan, in memory ----------------------------------------------------------------


@dataclass(slots=True)
class SchoolPlan:
    id: uuid.UUID
    urn: str
    name: str
    type: str  # special | ap
    modules: list[tuple[uuid.UUID, AcademicYear, Window]] = field(default_factory=list)
    teachers: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Occasion:
    module: int  # index into the school's modules
    kind: str
    assessed_on: date
    rejoined: bool


@dataclass(slots=True)
class PupilPlan:
    school: SchoolPlan
    id: uuid.UUID
    enrolments: list[tuple[date, date | None]]
    year_group: str
    born: date
    pathway: str | None
    occasions: list[Occasion] = field(default_factory=list)
    strands: list[int] = field(default_factory=list)  # indexes into STRANDS
    steps: list[list[int]] = field(default_factory=list)  # per strand, per occasion: step index
    missed: set[tuple[int, int]] = field(default_factory=set)  # (strand, occasion) not judged


@dataclass(slots=True)
class Trust:
    id: uuid.UUID
    framework_id: uuid.UUID
    strand_ids: list[uuid.UUID]
    step_ids: list[uuid.UUID]
    schools: list[SchoolPlan]
    pupils: list[PupilPlan] = field(default_factory=list)
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)


def year_label(year_group: int) -> str:
    return "R" if year_group == 0 else str(year_group)


def born_for(rng: random.Random, year: AcademicYear, year_group: int) -> date:
    """A date of birth that puts a pupil in `year_group` (0 = Reception) during `year`."""
    return date(year.start_year - year_group - 5, 9, 1) + timedelta(days=rng.randint(0, 364))


def rate_for(start: float, key_stage: str) -> float:
    base = next(rate for low, high, rate in RATE_BANDS if low <= start < high)
    return base + KEY_STAGE_SHIFT[key_stage]


def key_stage_of(year_group: int) -> str:
    if year_group <= 0:
        return "EYFS"
    if year_group <= 2:
        return "KS1"
    if year_group <= 6:
        return "KS2"
    if year_group <= 9:
        return "KS3"
    return "KS4" if year_group <= 11 else "KS5"


class Generator:
    def __init__(self, seed: int, schools: int, pupils: int) -> None:
        self.seed = seed
        self.school_count = schools
        self.pupil_count = pupils

    def stream(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}/{name}")

    # --- organisation ---------------------------------------------------------------
    def organisation(self) -> Trust:
        rng = self.stream("organisation")
        created = at(date(2021, 7, 1))
        trust_id = uuid7(rng, created)
        framework_id = uuid7(rng, created)
        strand_ids = [uuid7(rng, created) for _ in STRANDS]
        step_ids = [uuid7(rng, created) for _ in STEPS]
        schools = []
        for n in range(self.school_count):
            special = n % 7 not in (3, 6)  # 36 special, 14 AP of 50
            name = f"{'Oakfield' if special else 'Harbour'} {n + 1:02d}"
            school = SchoolPlan(
                uuid7(rng, created),
                f"{150000 + n}",
                f"{name} {'School' if special else 'Pupil Referral Unit'}",
                "special" if special else "ap",
            )
            windows = half_terms if special else six_weekly_points
            for year in YEARS:
                for window in windows(year):
                    school.modules.append((uuid7(rng, at(window.starts_on)), year, window))
            pool = [t for staff in TEACHERS.values() for t in staff]
            school.teachers = rng.sample(pool, min(6, len(pool)))
            schools.append(school)
        trust = Trust(trust_id, framework_id, strand_ids, step_ids, schools)
        self._organisation_rows(trust, rng, created)
        return trust

    def _organisation_rows(self, trust: Trust, rng: random.Random, created: datetime) -> None:
        rows = trust.rows
        rows["trusts"] = [(trust.id, TRUST_NAME, "multi_academy_trust", 1, created)]
        rows["schools"] = [
            (s.id, trust.id, s.urn, s.name, s.type, 1, created) for s in trust.schools
        ]
        rows["frameworks"] = [
            (
                trust.framework_id,
                trust.id,
                None,
                "Trust Small Steps",
                "Twenty strands on eight stages of six steps",
                1,
                created,
            )
        ]
        rows["strands"] = [
            (sid, trust.framework_id, code, name, n)
            for n, (sid, (code, name)) in enumerate(zip(trust.strand_ids, STRANDS, strict=True))
        ]
        rows["steps"] = [
            (sid, trust.framework_id, code, label, value)
            for sid, (code, label, value) in zip(trust.step_ids, STEPS, strict=True)
        ]
        model_id = uuid7(rng, created)
        rows["progress_models"] = [
            (
                model_id,
                uuid7(rng, created),
                1,
                trust.framework_id,
                "Trust expected progress",
                "rate",
                None,
                1.0,
                1.5,
                2.0,
                True,
                3.0,
                2,
                False,
                10,
                True,
                created,
            )
        ]
        rules: list[tuple[Any, ...]] = []
        for low, high, _ in RATE_BANDS:
            rules.append((uuid7(rng, created), model_id, low, high, rate_for(low, "KS3"), None))
            for stage in ("KS1", "KS2", "KS4", "KS5"):
                rules.append(
                    (uuid7(rng, created), model_id, low, high, rate_for(low, stage), stage)
                )
        rows["progress_rate_rules"] = rules
        rows["modules"] = [
            (s.id, mid, year.label, w.sequence, w.name, w.starts_on, w.ends_on, 1)
            for s in trust.schools
            for mid, year, w in s.modules
        ]

    # --- pupils -----------------------------------------------------------------------
    def roll(self, trust: Trust) -> None:
        rng = self.stream("roll")
        per_school, extra = divmod(self.pupil_count, len(trust.schools))
        pupils, characteristics, enrolments = [], [], []
        mis = 0
        for n, school in enumerate(trust.schools):
            for _ in range(per_school + (1 if n < extra else 0)):
                plan = self._pupil(rng, school)
                mis += 1
                male = rng.random() < 0.68
                forename = rng.choice(BOYS if male else GIRLS)
                eal = rng.random() < 0.1
                created = at(min(plan.enrolments[0][0], date(2021, 8, 20)))
                pupils.append(
                    (
                        school.id,
                        plan.id,
                        None,
                        f"B{mis:06d}",
                        forename,
                        rng.choice(SURNAMES),
                        plan.born,
                        "M" if male else "F",
                        plan.year_group,
                        plan.pathway,
                        1,
                        None,
                        created,
                    )
                )
                for position, (joined, left) in enumerate(plan.enrolments):
                    registration = "M" if school.type == "ap" and rng.random() < 0.3 else "C"
                    enrolments.append(
                        (school.id, uuid7(rng, at(joined)), plan.id, position, joined, left,
                         registration)
                    )  # fmt: skip
                for position, c in enumerate(self._characteristics(rng, plan, eal)):
                    characteristics.append(
                        (school.id, uuid7(rng, at(c.start_on)), plan.id, position, c.kind.value,
                         c.value, c.rank, c.start_on, c.end_on)
                    )  # fmt: skip
                self._trajectories(rng, plan)
                trust.pupils.append(plan)
        trust.rows["pupils"] = pupils
        trust.rows["enrolments"] = enrolments
        trust.rows["pupil_characteristics"] = characteristics

    def _pupil(self, rng: random.Random, school: SchoolPlan) -> PupilPlan:
        first_day = school.modules[0][2].starts_on
        last_day = school.modules[-1][2].ends_on
        ap = school.type == "ap"
        roll = rng.random()
        full, leaver, joiner = (0.76, 0.08, 0.08) if ap else (0.90, 0.04, 0.04)
        pathway = None if ap else rng.choices(list(PATHWAYS), list(PATHWAYS.values()))[0]
        enrolments: list[tuple[date, date | None]]
        if roll < full:
            # on roll all five years: Reception..Year 9 in 2021/22, Year 5..14 now
            group_2021 = rng.randint(3, 9) if ap else rng.randint(0, 9)
            born = born_for(rng, YEARS[0], group_2021)
            joined = first_day - timedelta(days=rng.randint(14, 5 * 365))
            enrolments = [(max(joined, date(born.year + 4, 9, 1)), None)]
            year_group = group_2021 + (CURRENT.start_year - YEARS[0].start_year)
        elif roll < full + leaver:
            group_2021 = rng.randint(5, 10)
            born = born_for(rng, YEARS[0], group_2021)
            joined = first_day - timedelta(days=rng.randint(14, 3 * 365))
            left = first_day + timedelta(days=rng.randint(200, (last_day - first_day).days - 60))
            enrolments = [(joined, left)]
            year_group = group_2021 + (AcademicYear.containing(left).start_year - 2021)
        elif roll < full + leaver + joiner:
            joined = first_day + timedelta(days=rng.randint(20, (last_day - first_day).days - 250))
            group_then = rng.randint(3, 9) if ap else rng.randint(0, 9)
            born = born_for(rng, AcademicYear.containing(joined), group_then)
            enrolments = [(joined, None)]
            year_group = group_then + (
                CURRENT.start_year - AcademicYear.containing(joined).start_year
            )
        else:
            # left, then came back (an AP placement breaking down, a hospital stay)
            group_2021 = rng.randint(3, 9)
            born = born_for(rng, YEARS[0], group_2021)
            joined = first_day - timedelta(days=rng.randint(14, 2 * 365))
            left = first_day + timedelta(days=rng.randint(120, 900))
            back = left + timedelta(days=rng.randint(30, 200))
            enrolments = [(joined, left), (back, None)]
            year_group = group_2021 + (CURRENT.start_year - YEARS[0].start_year)
        plan = PupilPlan(
            school, uuid7(rng, at(enrolments[0][0])), enrolments, year_label(year_group), born,
            pathway,
        )  # fmt: skip
        plan.occasions = self._occasions(rng, plan)
        return plan

    def _occasions(self, rng: random.Random, plan: PupilPlan) -> list[Occasion]:
        """The modules a pupil is judged in: at least ten days on roll in the window."""
        found = []
        modules = plan.school.modules
        for n, (joined, left) in enumerate(plan.enrolments):
            mine = []
            for i, (_, _, window) in enumerate(modules):
                first = max(joined, window.starts_on)
                last = min(left or window.ends_on, window.ends_on)
                if (last - first).days + 1 >= 10:
                    mine.append(i)
            for k, i in enumerate(mine):
                window = modules[i][2]
                kind = "checkpoint"
                day = window.ends_on - timedelta(days=rng.randint(0, 6))
                if k == 0:
                    kind = "baseline"
                    day = max(window.starts_on, joined) + timedelta(days=rng.randint(5, 14))
                    day = min(day, window.ends_on)
                elif left is not None and k == len(mine) - 1:
                    kind, day = "exit", min(window.ends_on, left)
                day = max(day, window.starts_on)
                found.append(Occasion(i, kind, day, rejoined=k == 0 and n > 0))
        return found

    def _characteristics(
        self, rng: random.Random, plan: PupilPlan, eal: bool
    ) -> list[Characteristic]:
        joined = plan.enrolments[0][0]
        if plan.school.type == "ap":
            provision = rng.choices(
                [SenProvision.SEN_SUPPORT, SenProvision.NO_SEN, SenProvision.EHC_PLAN],
                [55, 30, 15],
            )[0]
            found = pru_sen(rng, joined, provision)
            fsm, looked_after = 0.55, 0.08
        else:
            found = special_school_sen(rng, joined, TODAY, PROFILES[plan.pathway or "formal"])
            fsm, looked_after = 0.35, 0.05
        flags = group_flags(
            rng, plan.born, joined, TODAY, fsm_chance=fsm, looked_after_chance=looked_after, eal=eal
        )
        return found + flags

    def _trajectories(self, rng: random.Random, plan: PupilPlan) -> None:
        """Each strand's step at each occasion: rising at the pupil's own rate."""
        if not plan.occasions:
            return
        strands = list(range(len(STRANDS)))
        if rng.random() < 0.06:  # a few strands are not assessed for this pupil
            for gone in rng.sample(strands, rng.randint(1, 3)):
                strands.remove(gone)
        plan.strands = strands
        first_module = plan.school.modules[plan.occasions[0].module]
        group_then = first_module[1].start_year - plan.born.year - 5 + (plan.born.month < 9)
        pace = PATHWAY_PACE[plan.pathway]
        start = 2 + max(0, group_then) * 2.6 * pace + rng.uniform(-3, 3)
        pattern = rng.random()
        if pattern < 0.08:
            factor = rng.uniform(0.0, 0.3)  # stalled
        elif pattern < 0.12:
            factor = -0.2  # regressing
        else:
            factor = rng.uniform(0.45, 2.4)
        rate = factor * rate_for(max(0.0, min(47.0, start)), key_stage_of(group_then)) * pace
        top = len(STEPS) - 1
        per_window = rate / 6
        occasions = plan.occasions
        for s in strands:
            position = max(0.0, min(float(top), start + rng.uniform(-4, 4)))
            path = []
            for k, occasion in enumerate(occasions):
                if occasion.rejoined and rng.random() < 0.3:
                    position = max(0.0, position - 1)
                elif k:
                    position += per_window * rng.uniform(0.2, 1.8)
                    position = max(0.0, min(float(top), position))
                    if occasion.kind == "checkpoint" and rng.random() < 0.004:
                        plan.missed.add((s, k))  # absent, or not assessed this time
                path.append(int(position))
            plan.steps.append(path)

    # --- judgements -------------------------------------------------------------------
    def judgements(self, trust: Trust) -> Iterator[tuple[Any, ...]]:
        """Rows in the order they would have been recorded: module by module."""
        rng = self.stream("judgements")
        by_module: dict[tuple[int, int], list[tuple[PupilPlan, int]]] = {}
        for plan in trust.pupils:
            for k, occasion in enumerate(plan.occasions):
                _, year, entry = plan.school.modules[occasion.module]
                key = (year.start_year, entry.sequence)
                by_module.setdefault(key, []).append((plan, k))
        strand_ids, step_ids = trust.strand_ids, trust.step_ids
        top = len(step_ids) - 1
        for key in sorted(by_module):
            for plan, k in by_module[key]:
                occasion = plan.occasions[k]
                module_id, _, window = plan.school.modules[occasion.module]
                teachers = plan.school.teachers
                sampled_module = window.sequence in (
                    (3, 6) if plan.school.type == "ap" else (2, 4, 6)
                )
                moderated_on = window.ends_on + timedelta(days=10)
                for n, s in enumerate(plan.strands):
                    if (s, k) in plan.missed:
                        continue
                    step = plan.steps[n][k]
                    day = occasion.assessed_on
                    if rng.random() < 0.15:
                        day = max(window.starts_on, day - timedelta(days=rng.randint(1, 3)))
                    recorded = at(day + timedelta(days=rng.randint(0, 4)), 15, rng.randint(0, 59))
                    state, moderated_step, moderator, moderated = "unmoderated", None, None, None
                    if sampled_module and rng.random() < 0.12:
                        state, moderator, moderated = "agreed", rng.choice(MODERATORS), moderated_on
                        if rng.random() < 0.15:
                            other = max(0, min(top, step + rng.choice((-1, -1, 1))))
                            if other != step:
                                state, moderated_step = "adjusted", step_ids[other]
                    note = rng.choice(NOTES) if rng.random() < 0.06 else ""
                    evidence = (
                        [
                            f"https://evidence.bench.example/{plan.id.hex[:12]}/{key[0]}-m{key[1]}/{s}"
                        ]
                        if rng.random() < 0.05
                        else []
                    )
                    yield (
                        plan.school.id,
                        uuid7(rng, recorded),
                        plan.id,
                        strand_ids[s],
                        module_id,
                        step_ids[step],
                        occasion.kind,
                        day,
                        teachers[s % len(teachers)],
                        note,
                        evidence,
                        state,
                        moderated_step,
                        moderator,
                        moderated,
                        SYSTEM,
                        recorded,
                        1 if state == "unmoderated" else 2,
                    )


# --- loading ----------------------------------------------------------------------------

COLUMNS = {
    "trusts": ["id", "name", "kind", "version", "created_at"],
    "schools": ["id", "trust_id", "urn", "name", "type", "version", "created_at"],
    "frameworks": ["id", "trust_id", "school_id", "name", "description", "version", "created_at"],
    "strands": ["id", "framework_id", "code", "name", "position"],
    "steps": ["id", "framework_id", "code", "label", "value"],
    "progress_models": [
        "id", "lineage", "version", "framework_id", "name", "kind", "pathway", "expected_ratio",
        "above_ratio", "accelerated_ratio", "maintenance_counts_as_expected", "start_band_width",
        "age_band_years", "match_primary_need", "min_peers", "active", "created_at",
    ],
    "progress_rate_rules": [
        "id", "model_id", "start_min", "start_max", "rate_per_year", "key_stage"
    ],
    "modules": [
        "school_id", "id", "academic_year", "sequence", "name", "starts_on", "ends_on", "version"
    ],
    "pupils": [
        "school_id", "id", "upn", "mis_id", "forename", "surname", "date_of_birth", "gender",
        "year_group", "pathway", "version", "deleted_at", "created_at",
    ],
    "enrolments": [
        "school_id", "id", "pupil_id", "position", "joined_on", "left_on", "registration"
    ],
    "pupil_characteristics": [
        "school_id", "id", "pupil_id", "position", "kind", "value", "rank", "start_on", "end_on"
    ],
    "judgements": [
        "school_id", "id", "pupil_id", "strand_id", "module_id", "step_id", "kind", "assessed_on",
        "assessor", "note", "evidence", "moderation_state", "moderated_step_id", "moderator",
        "moderated_on", "recorded_by", "recorded_at", "version",
    ],
}  # fmt: skip

TABLES = [
    "trusts", "schools", "frameworks", "strands", "steps", "progress_models",
    "progress_rate_rules", "modules", "pupils", "enrolments", "pupil_characteristics",
]  # fmt: skip


def server_url() -> str:
    return os.environ.get("DATABASE_URL", DEFAULT_SERVER)


def bench_url(server: str | None = None) -> str:
    """The benchmark database's URL (postgresql+asyncpg://, as the app takes it)."""
    return with_database(server or server_url(), DATABASE)


class Progress:
    def __init__(self, what: str, every: int = 250_000) -> None:
        self.what = what
        self.every = every
        self.count = 0
        self.started = time.monotonic()

    def tick(self) -> None:
        self.count += 1
        if self.count % self.every == 0:
            self.show()

    def show(self, end: str = "\r") -> None:
        elapsed = time.monotonic() - self.started
        rate = self.count / elapsed if elapsed else 0.0
        print(
            f"  {self.what}: {self.count:>10,} rows  {elapsed:6.1f} s  {rate:>9,.0f} rows/s",
            end=end,
        )
        sys.stdout.flush()


async def _prepare_database(server: str, reset: bool) -> bool:
    """Create the database (dropping it first on --reset); True if it must be loaded."""
    admin = await asyncpg.connect(libpq_url(server))
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE)
        if exists and reset:
            print(f"Dropping {DATABASE}")
            await admin.execute(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
            exists = None
        if not exists:
            print(f"Creating {DATABASE}")
            await admin.execute(f'CREATE DATABASE "{DATABASE}"')
            return True
    finally:
        await admin.close()
    connection = await asyncpg.connect(libpq_url(bench_url(server)))
    try:
        if not await connection.fetchval("SELECT to_regclass('public.users') IS NOT NULL"):
            return True
        loaded = await connection.fetchval(
            "SELECT count(*) FROM users WHERE email = $1", ADMIN_EMAIL
        )
        return not loaded
    finally:
        await connection.close()


async def _deferred_indexes(connection: asyncpg.Connection) -> list[str]:
    """Drop the judgements table's secondary indexes and unique constraint (rebuilt after
    the load, which is much faster than maintaining them row by row); their DDL."""
    rows = await connection.fetch(
        """
        SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS ddl,
               c.conname, pg_get_constraintdef(c.oid) AS condef, c.contype
        FROM pg_index i
        LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
        WHERE i.indrelid = 'judgements'::regclass AND NOT i.indisprimary
        """
    )
    restore = []
    for row in rows:
        if row["conname"] is not None:
            await connection.execute(f'ALTER TABLE judgements DROP CONSTRAINT "{row["conname"]}"')
            restore.append(
                f'ALTER TABLE judgements ADD CONSTRAINT "{row["conname"]}" {row["condef"]}'
            )
        else:
            await connection.execute(f'DROP INDEX "{row["name"]}"')
            restore.append(row["ddl"])
    return restore


async def _load(server: str, generator: Generator) -> dict[str, int]:
    started = time.monotonic()
    trust = generator.organisation()
    generator.roll(trust)
    print(
        f"Planned {len(trust.schools)} schools and {len(trust.pupils):,} pupils "
        f"in {time.monotonic() - started:.1f} s"
    )
    connection = await asyncpg.connect(libpq_url(bench_url(server)))
    counts: dict[str, int] = {}
    try:
        await connection.execute("SET session_replication_role = replica")  # no FK triggers
        await connection.execute("SET maintenance_work_mem = '1GB'")
        await connection.execute("SET synchronous_commit = off")
        async with connection.transaction():
            for table in TABLES:
                rows = trust.rows[table]
                await connection.copy_records_to_table(table, records=rows, columns=COLUMNS[table])
                counts[table] = len(rows)
            restore = await _deferred_indexes(connection)
            progress = Progress("judgements")

            async def stream() -> AsyncIterator[tuple[Any, ...]]:
                for row in generator.judgements(trust):
                    progress.tick()
                    yield row

            await connection.copy_records_to_table(
                "judgements", records=stream(), columns=COLUMNS["judgements"]
            )
            progress.show(end="\n")
            counts["judgements"] = progress.count
            index_started = time.monotonic()
            for ddl in restore:
                await connection.execute(ddl)
            print(
                f"  rebuilt {len(restore)} judgement indexes in "
                f"{time.monotonic() - index_started:.1f} s"
            )
            hashed = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1).hash(
                ADMIN_PASSWORD
            )
            await connection.execute(
                "INSERT INTO users (id, email, name, role, password_hash, trust_id, school_ids,"
                " active, version, created_at)"
                " VALUES ($1, $2, 'Benchmark Admin', 'trust_admin', $3, $4, '{}', true, 1, now())",
                uuid.uuid5(uuid.NAMESPACE_URL, ADMIN_EMAIL),
                ADMIN_EMAIL,
                hashed,
                trust.id,
            )
        vacuum_started = time.monotonic()
        await connection.execute("VACUUM (ANALYZE)")
        print(f"  VACUUM ANALYZE in {time.monotonic() - vacuum_started:.1f} s")
    finally:
        await connection.close()
    return counts


async def _report(server: str) -> None:
    connection = await asyncpg.connect(libpq_url(bench_url(server)))
    try:
        print("Rows:")
        for table in [*TABLES, "judgements", "users"]:
            n = await connection.fetchval(f"SELECT count(*) FROM {table}")
            print(f"  {table:<24} {n:>10,}")
        size = await connection.fetchval(
            "SELECT pg_size_pretty(pg_database_size(current_database()))"
        )
        judgements = await connection.fetchval(
            "SELECT pg_size_pretty(pg_total_relation_size('judgements'))"
        )
        print(f"Database size {size} (judgements with indexes {judgements})")
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--pupils", type=int, default=7500)
    args = parser.parse_args()
    server = server_url()
    started = time.monotonic()
    fresh = asyncio.run(_prepare_database(server, args.reset))
    if fresh:
        upgrade(bench_url(server))
        print(f"Migrated in {time.monotonic() - started:.1f} s")
        counts = asyncio.run(_load(server, Generator(args.seed, args.schools, args.pupils)))
        print(
            f"Loaded {counts.get('judgements', 0):,} judgements;"
            f" total {time.monotonic() - started:.1f} s"
        )
    else:
        print(f"{DATABASE} is already loaded (use --reset to recreate it)")
    asyncio.run(_report(server))


if __name__ == "__main__":
    main()
