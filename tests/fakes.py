"""In-memory adapters for the domain's ports: unit tests without a database.

`FakeStore` holds the committed rows. A `FakeUnitOfWork` reads from its own
copy of them (taken at `async with`, plus its own writes) and journals every
write; `commit` replays the journal against the latest committed rows and
publishes the result, so anything not committed is gone after `async with`.
A replay that fails (a concurrent writer bumped a version, or took a unique
key) fails the commit and publishes nothing, as a database would.

Repositories mirror the features' persistence repositories; those over one table of their
own are one generic `InMemoryRepository` told its table, visibility and unique keys. Rows
outside the scope are simply not there (frameworks are visible when owned by a visible school or a
visible trust; users and clients are never scoped), lists page in id order,
versioned updates raise StaleVersion, and the database's unique constraints
raise Conflict with the same field.
"""

import copy
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import ClassVar, Generic, Protocol, Self, TypeVar

from domain.assessment.framework import Framework, Step, Strand
from domain.assessment.framework_service import FrameworkWork
from domain.assessment.judgement import Judgement, JudgementRevision
from domain.assessment.judgement_service import JudgementWork
from domain.assessment.module_service import ModuleWork
from domain.assessment.ports import (
    FrameworkFilter,
    FrameworkRepository,
    JudgementFilter,
    JudgementRepository,
    ModuleFilter,
    ModuleRepository,
)
from domain.identity.identity import EMAIL_UNAVAILABLE, IntegrationClient, User
from domain.identity.identity_service import IdentityWork
from domain.identity.ports import ClientRepository, SignInLedger, UserRepository
from domain.identity.sign_in import Rules, ThrottleKey
from domain.integration.audit import AuditAction
from domain.integration.ports import AccountAudit
from domain.kernel.access import Principal
from domain.kernel.calendar import Module
from domain.kernel.clock import Clock
from domain.kernel.errors import Conflict, StaleVersion
from domain.kernel.paging import Page, PageRequest
from domain.organisation.organisation import School, Trust
from domain.organisation.ports import SchoolFilter, SchoolRepository, TrustRepository
from domain.outcomes.destination import Destination
from domain.outcomes.destination_service import DestinationWork
from domain.outcomes.ports import DestinationFilter, DestinationRepository
from domain.pupils.ports import PupilFilter, PupilRepository
from domain.pupils.pupil import Pupil
from domain.pupils.pupil_service import PupilWork
from domain.targets.outcome_target_service import OutcomeTargetWork
from domain.targets.ports import (
    OutcomeTargetFilter,
    OutcomeTargetRepository,
    TargetFilter,
    TargetRepository,
)
from domain.targets.target import (
    CURRENT_STATUSES,
    OutcomeEvaluation,
    OutcomeTarget,
    Target,
    TargetRevision,
    chain_of,
)
from domain.targets.target_service import TargetWork

# --- time and passwords -------------------------------------------------------------


class FixedClock:
    """A clock that stands still until told to move."""

    def __init__(self, now: datetime = datetime(2024, 3, 15, 10, 30, tzinfo=UTC)) -> None:
        self._now = now

    @classmethod
    def on(cls, day: date) -> "FixedClock":
        return cls(datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.date()

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class FakePasswordHasher:
    """A reversible stand-in for argon2; counts calls so tests can see verify always runs."""

    PREFIX = "fake$"

    def __init__(self) -> None:
        self.hash_calls = 0
        self.verify_calls = 0

    async def hash(self, password: str) -> str:
        self.hash_calls += 1
        return self.PREFIX + password[::-1]

    async def verify(self, password_hash: str, password: str) -> bool:
        self.verify_calls += 1
        return bool(password_hash) and password_hash == self.PREFIX + password[::-1]


# --- rows and scope -----------------------------------------------------------------


@dataclass
class Tables:
    """Every table, as entities. Targets and outcomes are stored without their
    history and evaluations, which live in their own tables as in SQL."""

    trusts: dict[uuid.UUID, Trust] = field(default_factory=dict)
    schools: dict[uuid.UUID, School] = field(default_factory=dict)
    pupils: dict[uuid.UUID, Pupil] = field(default_factory=dict)
    frameworks: dict[uuid.UUID, Framework] = field(default_factory=dict)
    modules: dict[uuid.UUID, Module] = field(default_factory=dict)
    judgements: dict[uuid.UUID, Judgement] = field(default_factory=dict)
    judgement_revisions: list[tuple[uuid.UUID, JudgementRevision]] = field(default_factory=list)
    targets: dict[uuid.UUID, Target] = field(default_factory=dict)
    target_revisions: list[tuple[uuid.UUID, TargetRevision]] = field(default_factory=list)
    outcomes: dict[uuid.UUID, OutcomeTarget] = field(default_factory=dict)
    evaluations: list[tuple[uuid.UUID, uuid.UUID, OutcomeEvaluation]] = field(
        default_factory=list
    )  # (school_id, outcome_id, evaluation)
    destinations: dict[uuid.UUID, Destination] = field(default_factory=dict)
    users: dict[uuid.UUID, User] = field(default_factory=dict)
    clients: dict[uuid.UUID, IntegrationClient] = field(default_factory=dict)
    #: (scope, key) -> (failures, last failed at, blocked until)
    sign_in_failures: dict[tuple[str, str], tuple[int, datetime, datetime]] = field(
        default_factory=dict
    )
    #: (action, resource, account, changes) of each account audit entry, once per account
    account_entries: list[tuple[AuditAction, str, uuid.UUID, dict[str, object]]] = field(
        default_factory=list
    )


class FakeStore:
    """The committed state shared by every unit of work of one test."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.tables = Tables()
        self.clock: Clock = clock or FixedClock()

    def seed(self, *entities: object) -> None:
        """Put entities straight into the committed tables (test setup, no rules applied)."""
        t = self.tables
        for e in entities:
            e = copy.deepcopy(e)
            match e:
                case Trust():
                    t.trusts[e.id] = e
                case School():
                    t.schools[e.id] = e
                case Pupil():
                    t.pupils[e.id] = e
                case Framework():
                    t.frameworks[e.id] = e
                case Module():
                    t.modules[e.id] = e
                case Judgement():
                    t.judgements[e.id] = e
                case Target():
                    t.target_revisions += [(e.school_id, r) for r in e.history]
                    e.history = []
                    t.targets[e.id] = e
                case OutcomeTarget():
                    t.evaluations += [(e.school_id, e.id, ev) for ev in e.evaluations]
                    e.evaluations = []
                    t.outcomes[e.id] = e
                case Destination():
                    t.destinations[e.id] = e
                case User():
                    t.users[e.id] = e
                case IntegrationClient():
                    t.clients[e.id] = e
                case _:
                    raise TypeError(f"cannot seed {type(e).__name__}")


@dataclass(frozen=True, slots=True)
class FakeScope:
    """Like persistence.scope.Scope: None means unrestricted on that axis."""

    school_ids: frozenset[uuid.UUID] | None = None
    trust_ids: frozenset[uuid.UUID] | None = None

    def school(self, school_id: uuid.UUID | None) -> bool:
        return self.school_ids is None or (school_id is not None and school_id in self.school_ids)

    def trust(self, trust_id: uuid.UUID | None) -> bool:
        return self.trust_ids is None or (trust_id is not None and trust_id in self.trust_ids)


Op = Callable[[Tables], None]


class _Transaction:
    """A private copy of the tables plus the journal of writes made to it."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self._tables: Tables | None = None
        self.journal: list[Op] = []

    @property
    def tables(self) -> Tables:
        if self._tables is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._tables

    @property
    def active(self) -> bool:
        return self._tables is not None

    def begin(self) -> None:
        self._tables = copy.deepcopy(self.store.tables)
        self.journal = []

    def end(self) -> None:
        self._tables = None
        self.journal = []

    def write(self, op: Op) -> None:
        """Apply to our own view now (errors surface at the call, like SQL) and journal it."""
        op(self.tables)
        self.journal.append(op)

    def commit(self) -> None:
        published = copy.deepcopy(self.store.tables)
        for op in self.journal:
            op(published)
        self.store.tables = published
        self._tables = copy.deepcopy(published)
        self.journal = []

    def rollback(self) -> None:
        self._tables = copy.deepcopy(self.store.tables)
        self.journal = []


# --- helpers shared by the repositories ---------------------------------------------------


class _Keyed(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


class _Versioned(Protocol):
    @property
    def id(self) -> uuid.UUID: ...

    @property
    def version(self) -> int: ...


K = TypeVar("K", bound=_Keyed)
V = TypeVar("V", bound=_Versioned)


def _page(rows: Iterable[K], page: PageRequest) -> Page[K]:
    """`fetch_page`: id order, after `page.after`, and the id to continue after."""
    ordered = sorted(rows, key=lambda r: r.id)
    if page.after is not None:
        ordered = [r for r in ordered if r.id > page.after]
    if len(ordered) > page.limit:
        ordered = ordered[: page.limit]
        return Page([copy.deepcopy(r) for r in ordered], ordered[-1].id)
    return Page([copy.deepcopy(r) for r in ordered], None)


def _where(keep: Callable[[K], bool], rows: Iterable[K]) -> list[K]:
    return [r for r in rows if keep(r)]


def _copy(row: K | None) -> K | None:
    return copy.deepcopy(row) if row is not None else None


def _insert(table: dict[uuid.UUID, K], row: K) -> None:
    if row.id in table:
        raise Conflict("this record already exists")
    table[row.id] = copy.deepcopy(row)


def _versioned_update(
    table: dict[uuid.UUID, V],
    row: V,
    previous_version: int,
    entity: str,
    visible: Callable[[V], bool],
) -> None:
    """`versioned_update`: UPDATE ... WHERE id AND version = previous, inside the scope."""
    current = table.get(row.id)
    if current is None or not visible(current) or current.version != previous_version:
        actual = current.version if current is not None and visible(current) else None
        raise StaleVersion(entity, previous_version, actual)
    table[row.id] = copy.deepcopy(row)


def _unique(
    rows: Iterable[K],
    row: K,
    key: Callable[[K], object | None],
    reason: str,
    field: str | None,
) -> None:
    """A (partial) unique index: `key` returns None where the index does not apply."""
    mine = key(row)
    if mine is None:
        return
    if any(other.id != row.id and key(other) == mine for other in rows):
        raise Conflict(reason, field=field)


def _still_referenced() -> Conflict:
    return Conflict("other records still refer to this one")


class _Repository:
    def __init__(self, tx: _Transaction, scope: FakeScope) -> None:
        self._tx = tx
        self.scope = scope

    @property
    def _t(self) -> Tables:
        return self._tx.tables


class InMemoryRepository(_Repository, Generic[V]):
    """The one generic in-memory repository, which each fake below specialises: `table` names
    its rows in `Tables`; a row is there only if the scope shows it (`_visible`, by school
    unless told otherwise); writes check the table's unique indexes (`_check_unique`), updates
    are versioned, and lists page in id order, as persistence.repository's do."""

    table: ClassVar[str]
    entity: ClassVar[str]

    def _rows(self, tables: Tables | None = None) -> dict[uuid.UUID, V]:
        rows: dict[uuid.UUID, V] = getattr(tables or self._t, self.table)
        return rows

    def _visible(self, row: V) -> bool:
        return self.scope.school(getattr(row, "school_id"))  # noqa: B009 - every tenant row

    def _check_unique(self, tables: Tables, row: V) -> None:
        """The table's unique indexes, as Conflict naming the field; none unless overridden."""

    async def get(self, key: uuid.UUID) -> V | None:
        found = await self.get_many([key])
        return found[0] if found else None

    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[V]:
        wanted = set(ids)
        ordered = sorted(self._rows().values(), key=lambda r: r.id)
        return [copy.deepcopy(r) for r in ordered if r.id in wanted and self._visible(r)]

    async def add(self, item: V) -> None:
        row = copy.deepcopy(item)

        def op(tables: Tables) -> None:
            self._check_unique(tables, row)
            _insert(self._rows(tables), row)

        self._tx.write(op)

    async def update(self, item: V, previous_version: int) -> None:
        row = copy.deepcopy(item)

        def op(tables: Tables) -> None:
            self._check_unique(tables, row)
            _versioned_update(self._rows(tables), row, previous_version, self.entity, self._visible)

        self._tx.write(op)

    async def delete(self, item: V) -> None:
        key = item.id

        def op(tables: Tables) -> None:
            stored = self._rows(tables).get(key)
            if stored is not None and self._visible(stored):
                self._before_delete(tables, stored)
                del self._rows(tables)[key]

        self._tx.write(op)

    def _before_delete(self, tables: Tables, row: V) -> None:
        """Refuse a delete other rows still depend on; nothing depends unless overridden."""

    def _page_where(self, keep: Callable[[V], bool], page: PageRequest) -> Page[V]:
        return _page((r for r in self._rows().values() if self._visible(r) and keep(r)), page)


# --- organisation -------------------------------------------------------------------


class FakeTrustRepository(InMemoryRepository[Trust]):
    table, entity = "trusts", "trust"

    def _visible(self, row: Trust) -> bool:
        return self.scope.trust(row.id)

    async def matching(self, page: PageRequest) -> Page[Trust]:
        return self._page_where(lambda _: True, page)


def _school_unique(t: Tables, school: School) -> None:
    _unique(t.schools.values(), school, lambda s: s.urn, "a school with this URN exists", "urn")


class FakeSchoolRepository(InMemoryRepository[School]):
    table, entity = "schools", "school"

    def _visible(self, row: School) -> bool:
        return self.scope.school(row.id)

    def _check_unique(self, tables: Tables, row: School) -> None:
        _school_unique(tables, row)

    async def matching(self, filter: SchoolFilter, page: PageRequest) -> Page[School]:
        return self._page_where(
            lambda s: filter.trust_id is None or s.trust_id == filter.trust_id, page
        )

    async def ids_of_trust(self, trust_id: uuid.UUID) -> frozenset[uuid.UUID]:
        return frozenset(
            s.id for s in self._t.schools.values() if s.trust_id == trust_id and self._visible(s)
        )


# --- pupils -------------------------------------------------------------------------


def _pupil_unique(t: Tables, pupil: Pupil) -> None:
    def upn(p: Pupil) -> object | None:
        return (p.school_id, p.upn) if p.upn is not None and p.deleted_at is None else None

    def mis_id(p: Pupil) -> object | None:
        return (p.school_id, p.mis_id) if p.mis_id is not None and p.deleted_at is None else None

    _unique(t.pupils.values(), pupil, upn, "another pupil in this school has this UPN", "upn")
    _unique(
        t.pupils.values(), pupil, mis_id, "another pupil in this school has this MIS id", "mis_id"
    )


class FakePupilRepository(InMemoryRepository[Pupil]):
    """Archived pupils are found by id (`include_deleted`, `get_many`), listed only on request."""

    table, entity = "pupils", "pupil"

    def _check_unique(self, tables: Tables, row: Pupil) -> None:
        _pupil_unique(tables, row)

    async def get(self, pupil_id: uuid.UUID, include_deleted: bool = False) -> Pupil | None:
        found = await self.get_many([pupil_id])
        return found[0] if found and (include_deleted or found[0].deleted_at is None) else None

    async def matching(self, filter: PupilFilter, page: PageRequest) -> Page[Pupil]:
        def keep(p: Pupil) -> bool:
            return (
                (filter.include_deleted or p.deleted_at is None)
                and (filter.school_id is None or p.school_id == filter.school_id)
                and (filter.year_group is None or p.year_group == filter.year_group)
                and (filter.pathway is None or p.pathway == filter.pathway)
                and (filter.upn is None or p.upn == filter.upn.strip().upper())
                and (filter.mis_id is None or p.mis_id == filter.mis_id.strip())
                and (filter.on_roll_on is None or p.on_roll(filter.on_roll_on))
            )

        return self._page_where(keep, page)

    async def for_schools(self, school_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Pupil]]:
        grouped: dict[uuid.UUID, list[Pupil]] = {sid: [] for sid in school_ids}
        rows = sorted(
            (
                p
                for p in self._t.pupils.values()
                if p.school_id in grouped and self._visible(p) and p.deleted_at is None
            ),
            key=lambda p: (p.surname, p.forename, p.id),
        )
        for p in rows:
            grouped[p.school_id].append(copy.deepcopy(p))
        return grouped


# --- frameworks and modules ---------------------------------------------------------


def _framework_unique(framework: Framework) -> None:
    for kind, codes in (
        ("a strand", [s.code for s in framework.strands]),
        ("a step", [s.code for s in framework.steps]),
    ):
        if len(codes) != len(set(codes)):
            raise Conflict(f"the framework already has {kind} with this code", field="code")


class FakeFrameworkRepository(_Repository):
    def _visible(self, framework: Framework) -> bool:
        return self.scope.school(framework.school_id) or self.scope.trust(framework.trust_id)

    def _strand_ids(self, framework_id: uuid.UUID) -> set[uuid.UUID]:
        found = self._t.frameworks.get(framework_id)
        return {s.id for s in found.strands} if found else set()

    async def get(self, framework_id: uuid.UUID) -> Framework | None:
        found = await self.get_many([framework_id])
        return found[0] if found else None

    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[Framework]:
        wanted = set(ids)
        return [
            copy.deepcopy(f)
            for f in sorted(self._t.frameworks.values(), key=lambda f: f.id)
            if f.id in wanted and self._visible(f)
        ]

    async def for_strands(self, strand_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Framework]:
        wanted = set(strand_ids)
        found: dict[uuid.UUID, Framework] = {}
        for f in self._t.frameworks.values():
            if not self._visible(f):
                continue
            for s in f.strands:
                if s.id in wanted:
                    found[s.id] = copy.deepcopy(f)
        return found

    async def add(self, framework: Framework) -> None:
        row = copy.deepcopy(framework)

        def op(t: Tables) -> None:
            _framework_unique(row)
            _insert(t.frameworks, row)

        self._tx.write(op)

    async def update(self, framework: Framework, previous_version: int) -> None:
        """Name, description and version, plus new strands and steps; existing ones never change."""
        row = copy.deepcopy(framework)

        def op(t: Tables) -> None:
            stored = t.frameworks.get(row.id)
            if stored is None or not self._visible(stored) or stored.version != previous_version:
                raise StaleVersion("framework", previous_version)
            strands = {s.id: s for s in row.strands} | {s.id: s for s in stored.strands}
            steps = {s.id: s for s in row.steps} | {s.id: s for s in stored.steps}
            merged = Framework(
                id=row.id,
                name=row.name,
                strands=list(strands.values()),
                steps=list(steps.values()),
                trust_id=row.trust_id,
                school_id=row.school_id,
                description=row.description,
                version=row.version,
            )
            _framework_unique(merged)
            t.frameworks[row.id] = merged

        self._tx.write(op)

    async def delete(self, framework: Framework) -> None:
        framework_id = framework.id

        def op(t: Tables) -> None:
            stored = t.frameworks.get(framework_id)
            if stored is None or not self._visible(stored):
                return
            strand_ids = {s.id for s in stored.strands}
            used = any(j.strand_id in strand_ids for j in t.judgements.values()) or any(
                x.strand_id in strand_ids for x in t.targets.values()
            )
            if used:  # the foreign keys refuse, whatever the caller can see
                raise _still_referenced()
            del t.frameworks[framework_id]

        self._tx.write(op)

    async def matching(self, filter: FrameworkFilter, page: PageRequest) -> Page[Framework]:
        school_trust: uuid.UUID | None = None
        if filter.school_id is not None:
            school = self._t.schools.get(filter.school_id)  # a subquery, under the same scope
            if school is not None and self.scope.school(school.id):
                school_trust = school.trust_id

        def keep(f: Framework) -> bool:
            if not self._visible(f):
                return False
            if filter.school_id is not None and not (
                f.school_id == filter.school_id
                or (f.trust_id is not None and f.trust_id == school_trust)
            ):
                return False
            return filter.trust_id is None or f.trust_id == filter.trust_id

        return _page(_where(keep, self._t.frameworks.values()), page)

    async def in_use(self, framework_id: uuid.UUID) -> bool:
        """Counts only rows the caller can see, as row-level security would."""
        strand_ids = self._strand_ids(framework_id)
        return any(
            j.strand_id in strand_ids and self.scope.school(j.school_id)
            for j in self._t.judgements.values()
        ) or any(
            x.strand_id in strand_ids and self.scope.school(x.school_id)
            for x in self._t.targets.values()
        )

    async def steps(self, step_ids: Sequence[uuid.UUID]) -> list[Step]:
        wanted = set(step_ids)
        return [
            s
            for f in self._t.frameworks.values()
            if self._visible(f)
            for s in f.steps
            if s.id in wanted
        ]

    async def strands(self, strand_ids: Sequence[uuid.UUID]) -> list[Strand]:
        wanted = set(strand_ids)
        return [
            s
            for f in self._t.frameworks.values()
            if self._visible(f)
            for s in f.strands
            if s.id in wanted
        ]


def _module_unique(t: Tables, module: Module) -> None:
    _unique(
        t.modules.values(),
        module,
        lambda m: (m.school_id, m.academic_year, m.sequence),
        "the school already has a module with this number in this year",
        "sequence",
    )


class FakeModuleRepository(InMemoryRepository[Module]):
    table, entity = "modules", "module"

    def _check_unique(self, tables: Tables, row: Module) -> None:
        _module_unique(tables, row)

    def _before_delete(self, tables: Tables, row: Module) -> None:
        if any(j.module_id == row.id for j in tables.judgements.values()):
            raise _still_referenced()

    async def matching(self, filter: ModuleFilter, page: PageRequest) -> Page[Module]:
        def keep(m: Module) -> bool:
            return (filter.school_id is None or m.school_id == filter.school_id) and (
                filter.academic_year is None or m.academic_year == filter.academic_year
            )

        return self._page_where(keep, page)

    async def in_use(self, module_id: uuid.UUID) -> bool:
        return any(
            j.module_id == module_id and self.scope.school(j.school_id)
            for j in self._t.judgements.values()
        )


# --- judgements ---------------------------------------------------------------------


def _judgement_unique(t: Tables, judgement: Judgement) -> None:
    _unique(
        t.judgements.values(),
        judgement,
        lambda j: (j.school_id, j.pupil_id, j.strand_id, j.module_id),
        "a judgement for this pupil, strand and module exists",
        "module_id",
    )


class FakeJudgementRepository(InMemoryRepository[Judgement]):
    table, entity = "judgements", "judgement"

    def _check_unique(self, tables: Tables, row: Judgement) -> None:
        _judgement_unique(tables, row)

    async def find(
        self, pupil_id: uuid.UUID, strand_id: uuid.UUID, module_id: uuid.UUID
    ) -> Judgement | None:
        return next(
            (
                copy.deepcopy(j)
                for j in self._t.judgements.values()
                if self._visible(j)
                and (j.pupil_id, j.strand_id, j.module_id) == (pupil_id, strand_id, module_id)
            ),
            None,
        )

    async def add_many(self, judgements: Sequence[Judgement]) -> None:
        """One statement: a clash anywhere in the batch writes none of it."""
        rows = [copy.deepcopy(j) for j in judgements]

        def op(t: Tables) -> None:
            scratch = Tables(judgements=dict(t.judgements))
            for row in rows:
                _judgement_unique(scratch, row)
                _insert(scratch.judgements, row)
            t.judgements = scratch.judgements

        self._tx.write(op)

    async def add_revision(self, school_id: uuid.UUID, revision: JudgementRevision) -> None:
        self._tx.write(lambda t: t.judgement_revisions.append((school_id, revision)))

    async def revisions(
        self, judgement_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[JudgementRevision]]:
        """By changed_at; revisions made at the same instant stay in the order they were added."""
        grouped: dict[uuid.UUID, list[JudgementRevision]] = {jid: [] for jid in judgement_ids}
        for school_id, r in self._t.judgement_revisions:
            if r.judgement_id in grouped and self.scope.school(school_id):
                grouped[r.judgement_id].append(r)
        return {jid: sorted(found, key=lambda r: r.changed_at) for jid, found in grouped.items()}

    async def matching(self, filter: JudgementFilter, page: PageRequest) -> Page[Judgement]:
        def keep(j: Judgement) -> bool:
            if not self._visible(j):
                return False
            for value, wanted in (
                (j.school_id, filter.school_id),
                (j.pupil_id, filter.pupil_id),
                (j.strand_id, filter.strand_id),
                (j.module_id, filter.module_id),
                (j.kind, filter.kind),
            ):
                if wanted is not None and value != wanted:
                    return False
            if filter.year_group is not None or filter.pathway is not None:
                pupil = self._t.pupils.get(j.pupil_id)
                if pupil is None or pupil.school_id != j.school_id:
                    return False
                if filter.year_group is not None and pupil.year_group != filter.year_group:
                    return False
                if filter.pathway is not None and pupil.pathway != filter.pathway:
                    return False
            return True

        return _page(_where(keep, self._t.judgements.values()), page)

    async def for_pupils(
        self, pupil_ids: Sequence[uuid.UUID], module_id: uuid.UUID | None = None
    ) -> dict[uuid.UUID, list[Judgement]]:
        grouped: dict[uuid.UUID, list[Judgement]] = {pid: [] for pid in pupil_ids}
        rows = sorted(
            (
                j
                for j in self._t.judgements.values()
                if j.pupil_id in grouped
                and self._visible(j)
                and (module_id is None or j.module_id == module_id)
            ),
            key=lambda j: (j.assessed_on, j.id),
        )
        for j in rows:
            grouped[j.pupil_id].append(copy.deepcopy(j))
        return grouped

    async def pages_for_pupils(
        self, pupil_ids: Sequence[uuid.UUID], filter: JudgementFilter, page: PageRequest
    ) -> dict[uuid.UUID, Page[Judgement]]:
        return {p: await self.matching(replace(filter, pupil_id=p), page) for p in pupil_ids}


# --- targets ------------------------------------------------------------------------


def _target_unique(t: Tables, target: Target) -> None:
    _unique(
        t.targets.values(),
        target,
        lambda x: (
            (x.school_id, x.pupil_id, x.strand_id, x.academic_year)
            if x.status in CURRENT_STATUSES
            else None
        ),
        "the pupil already has a current target for this strand",
        "strand_id",
    )


def _bare_target(target: Target) -> Target:
    row = copy.deepcopy(target)
    row.history = []  # history rows are written by add_revision, as in SQL
    return row


class FakeTargetRepository(_Repository):
    def _visible(self, target: Target) -> bool:
        return self.scope.school(target.school_id)

    def _hydrate(self, rows: Iterable[Target]) -> list[Target]:
        history: dict[uuid.UUID, list[TargetRevision]] = defaultdict(list)
        for _, rev in self._t.target_revisions:
            history[rev.target_id].append(rev)
        found = []
        for row in rows:
            target = copy.deepcopy(row)
            target.history = sorted(history[row.id], key=lambda r: r.changed_at)
            found.append(target)
        return found

    async def get(self, target_id: uuid.UUID) -> Target | None:
        row = self._t.targets.get(target_id)
        return self._hydrate([row])[0] if row is not None and self._visible(row) else None

    async def current(
        self, pupil_id: uuid.UUID, strand_id: uuid.UUID, academic_year: str
    ) -> Target | None:
        rows = [
            x
            for x in self._t.targets.values()
            if self._visible(x)
            and (x.pupil_id, x.strand_id, x.academic_year.label)
            == (pupil_id, strand_id, academic_year)
            and x.status in CURRENT_STATUSES
        ]
        found = self._hydrate(rows)
        return found[0] if found else None

    async def add(self, target: Target) -> None:
        row = _bare_target(target)

        def op(t: Tables) -> None:
            _target_unique(t, row)
            _insert(t.targets, row)

        self._tx.write(op)

    async def update(self, target: Target, previous_version: int) -> None:
        row = _bare_target(target)

        def op(t: Tables) -> None:
            _target_unique(t, row)
            _versioned_update(t.targets, row, previous_version, "target", self._visible)

        self._tx.write(op)

    async def add_revision(self, school_id: uuid.UUID, revision: TargetRevision) -> None:
        self._tx.write(lambda t: t.target_revisions.append((school_id, revision)))

    async def chains(self, target_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Target]]:
        chains: dict[uuid.UUID, list[Target]] = {}
        for target_id in target_ids:
            start = await self.get(target_id)
            if start is None:
                continue
            siblings = self._hydrate(
                x
                for x in self._t.targets.values()
                if (x.school_id, x.pupil_id, x.strand_id, x.academic_year)
                == (start.school_id, start.pupil_id, start.strand_id, start.academic_year)
            )
            chains[target_id] = chain_of(start, siblings)
        return chains

    async def matching(self, filter: TargetFilter, page: PageRequest) -> Page[Target]:
        def keep(x: Target) -> bool:
            if not self._visible(x):
                return False
            for value, wanted in (
                (x.school_id, filter.school_id),
                (x.pupil_id, filter.pupil_id),
                (x.strand_id, filter.strand_id),
                (x.academic_year, filter.academic_year),
                (x.status, filter.status),
            ):
                if wanted is not None and value != wanted:
                    return False
            return True

        found = _page(_where(keep, self._t.targets.values()), page)
        return Page(self._hydrate(found.items), found.next_after)

    async def for_pupils(self, pupil_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Target]]:
        grouped: dict[uuid.UUID, list[Target]] = {pid: [] for pid in pupil_ids}
        rows = sorted(
            (x for x in self._t.targets.values() if x.pupil_id in grouped and self._visible(x)),
            key=lambda x: x.id,
        )
        for x in self._hydrate(rows):
            grouped[x.pupil_id].append(x)
        return grouped

    async def pages_for_pupils(
        self, pupil_ids: Sequence[uuid.UUID], filter: TargetFilter, page: PageRequest
    ) -> dict[uuid.UUID, Page[Target]]:
        return {p: await self.matching(replace(filter, pupil_id=p), page) for p in pupil_ids}


class FakeOutcomeTargetRepository(_Repository):
    def _visible(self, outcome: OutcomeTarget) -> bool:
        return self.scope.school(outcome.school_id)

    def _hydrate(self, rows: Iterable[OutcomeTarget]) -> list[OutcomeTarget]:
        found = []
        for row in rows:
            outcome = copy.deepcopy(row)
            outcome.evaluations = sorted(
                (e for _, oid, e in self._t.evaluations if oid == row.id),
                key=lambda e: (e.academic_year.label, e.evaluated_on),
            )
            found.append(outcome)
        return found

    async def get(self, outcome_id: uuid.UUID) -> OutcomeTarget | None:
        row = self._t.outcomes.get(outcome_id)
        return self._hydrate([row])[0] if row is not None and self._visible(row) else None

    async def add(self, outcome: OutcomeTarget) -> None:
        row = copy.deepcopy(outcome)
        evaluations, row.evaluations = row.evaluations, []

        def op(t: Tables) -> None:
            _insert(t.outcomes, row)
            t.evaluations.extend((row.school_id, row.id, e) for e in evaluations)

        self._tx.write(op)

    async def update(self, outcome: OutcomeTarget, previous_version: int) -> None:
        row = copy.deepcopy(outcome)
        row.evaluations = []
        self._tx.write(
            lambda t: _versioned_update(
                t.outcomes, row, previous_version, "outcome target", self._visible
            )
        )

    async def add_evaluation(self, outcome: OutcomeTarget, evaluation: OutcomeEvaluation) -> None:
        school_id, outcome_id = outcome.school_id, outcome.id

        def op(t: Tables) -> None:
            clash = any(
                (s, o, e.academic_year, e.term)
                == (school_id, outcome_id, evaluation.academic_year, evaluation.term)
                for s, o, e in t.evaluations
            )
            if clash:
                raise Conflict("already evaluated this term", field="term")
            t.evaluations.append((school_id, outcome_id, evaluation))

        self._tx.write(op)

    async def matching(self, filter: OutcomeTargetFilter, page: PageRequest) -> Page[OutcomeTarget]:
        def keep(o: OutcomeTarget) -> bool:
            return (
                self._visible(o)
                and (filter.school_id is None or o.school_id == filter.school_id)
                and (filter.pupil_id is None or o.pupil_id == filter.pupil_id)
                and (filter.status is None or o.status == filter.status)
            )

        found = _page(_where(keep, self._t.outcomes.values()), page)
        return Page(self._hydrate(found.items), found.next_after)


# --- destinations -------------------------------------------------------------------


def _destination_unique(t: Tables, destination: Destination) -> None:
    _unique(
        t.destinations.values(),
        destination,
        lambda d: (d.school_id, d.pupil_id, d.left_on),
        "the pupil already has a destination for this leaving date",
        "left_on",
    )


class FakeDestinationRepository(InMemoryRepository[Destination]):
    table, entity = "destinations", "destination"

    def _check_unique(self, tables: Tables, row: Destination) -> None:
        _destination_unique(tables, row)

    async def matching(self, filter: DestinationFilter, page: PageRequest) -> Page[Destination]:
        def keep(d: Destination) -> bool:
            return (
                (filter.school_id is None or d.school_id == filter.school_id)
                and (filter.pupil_id is None or d.pupil_id == filter.pupil_id)
                and (filter.category is None or d.category == filter.category)
                and (
                    filter.year_group_at_leaving is None
                    or d.year_group_at_leaving == filter.year_group_at_leaving
                )
                and (filter.left_from is None or d.left_on >= filter.left_from)
                and (filter.left_to is None or d.left_on <= filter.left_to)
            )

        return self._page_where(keep, page)


# --- identity (never scoped: read before a scope exists) ------------------------------


class FakeUserRepository(InMemoryRepository[User]):
    table, entity = "users", "user"

    def _visible(self, row: User) -> bool:
        return True  # read before a scope exists (sign-in), as in SQL

    def _check_unique(self, tables: Tables, row: User) -> None:
        _unique(tables.users.values(), row, lambda u: u.email, EMAIL_UNAVAILABLE, "email")

    async def by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        return next((copy.deepcopy(u) for u in self._t.users.values() if u.email == wanted), None)

    async def matching(
        self, school_ids: frozenset[uuid.UUID] | None, trust_id: uuid.UUID | None, page: PageRequest
    ) -> Page[User]:
        def keep(u: User) -> bool:
            if school_ids is None:
                return True
            return bool(u.school_ids & school_ids) or (
                trust_id is not None and u.trust_id == trust_id
            )

        return self._page_where(keep, page)


class FakeClientRepository(_Repository):
    def __init__(self, tx: _Transaction, scope: FakeScope, clock: Clock) -> None:
        super().__init__(tx, scope)
        self._clock = clock

    async def by_client_id(self, client_id: str) -> IntegrationClient | None:
        return next(
            (copy.deepcopy(c) for c in self._t.clients.values() if c.client_id == client_id), None
        )

    async def add(self, client: IntegrationClient) -> None:
        row = copy.deepcopy(client)

        def op(t: Tables) -> None:
            _unique(
                t.clients.values(), row, lambda c: c.client_id, "this record already exists", None
            )
            _insert(t.clients, row)

        self._tx.write(op)

    async def mark_used(self, client: IntegrationClient) -> None:
        client_id, now = client.id, self._clock.now()

        def op(t: Tables) -> None:
            if client_id in t.clients:
                t.clients[client_id].last_used_at = now

        self._tx.write(op)

    async def get(self, client_key: uuid.UUID) -> IntegrationClient | None:
        row = self._t.clients.get(client_key)
        return copy.deepcopy(row) if row is not None else None

    async def matching(
        self, school_ids: frozenset[uuid.UUID] | None, trust_id: uuid.UUID | None, page: PageRequest
    ) -> Page[IntegrationClient]:
        """`SqlClientRepository.matching`: a school-scoped client is someone's only if all its
        schools are theirs; a trust's clients are its admins'."""

        def visible(c: IntegrationClient) -> bool:
            if school_ids is None:
                return True
            if c.trust_id is None:
                return c.school_ids <= school_ids
            return trust_id is not None and c.trust_id == trust_id

        return _page((c for c in self._t.clients.values() if visible(c)), page)

    async def revoke(self, client: IntegrationClient) -> None:
        """Stamp the revocation once; a second revoke keeps the first time."""
        client_id, now = client.id, self._clock.now()

        def op(t: Tables) -> None:
            row = t.clients.get(client_id)
            if row is not None and row.revoked_at is None:
                row.revoked_at = now

        self._tx.write(op)


class FakeSignInLedger(_Repository):
    """`SqlSignInLedger`: counts per key, a new count after the rule's window."""

    async def blocked_until(self, keys: Sequence[ThrottleKey], now: datetime) -> datetime | None:
        waits = [
            found[2]
            for k in keys
            if (found := self._t.sign_in_failures.get((k.scope.value, k.key))) is not None
            and found[2] > now
        ]
        return max(waits, default=None)

    async def record_failure(
        self, keys: Sequence[ThrottleKey], now: datetime, rules: Rules
    ) -> None:
        def op(t: Tables) -> None:
            for k in keys:
                rule = rules[k.scope]
                failures, last, _ = t.sign_in_failures.get((k.scope.value, k.key), (0, now, now))
                failures = 1 if last < now - rule.window else failures + 1
                t.sign_in_failures[(k.scope.value, k.key)] = (
                    failures,
                    now,
                    now + rule.wait_after(failures),
                )

        self._tx.write(op)

    async def forget(self, key: ThrottleKey) -> None:
        def op(t: Tables) -> None:
            t.sign_in_failures.pop((key.scope.value, key.key), None)

        self._tx.write(op)


class FakeAccountAudit(_Repository):
    """The account entries of `SqlAuditTrail` (one per account here, not one per school)."""

    async def account_entry(
        self,
        resource: str,
        account: uuid.UUID | None,
        action: AuditAction,
        changes: Mapping[str, object],
    ) -> None:
        if account is None:
            return
        entry = (action, resource, account, dict(changes))
        self._tx.write(lambda t: t.account_entries.append(entry))


# --- the unit of work ---------------------------------------------------------------


class FakeUnitOfWork:
    """One transaction over a FakeStore, narrowed to the given school and trust ids
    (None = unrestricted). Nothing is kept unless `commit` is called."""

    def __init__(
        self,
        store: FakeStore,
        school_ids: Iterable[uuid.UUID] | None = None,
        trust_ids: Iterable[uuid.UUID] | None = None,
    ) -> None:
        self.store = store
        self.scope = FakeScope(
            frozenset(school_ids) if school_ids is not None else None,
            frozenset(trust_ids) if trust_ids is not None else None,
        )
        self.committed = False
        self.commits = 0
        self._tx = _Transaction(store)
        # typed as the ports: mypy checks every fake against its Protocol here
        self.trusts: TrustRepository = FakeTrustRepository(self._tx, self.scope)
        self.schools: SchoolRepository = FakeSchoolRepository(self._tx, self.scope)
        self.pupils: PupilRepository = FakePupilRepository(self._tx, self.scope)
        self.frameworks: FrameworkRepository = FakeFrameworkRepository(self._tx, self.scope)
        self.modules: ModuleRepository = FakeModuleRepository(self._tx, self.scope)
        self.judgements: JudgementRepository = FakeJudgementRepository(self._tx, self.scope)
        self.targets: TargetRepository = FakeTargetRepository(self._tx, self.scope)
        self.outcomes: OutcomeTargetRepository = FakeOutcomeTargetRepository(self._tx, self.scope)
        self.destinations: DestinationRepository = FakeDestinationRepository(self._tx, self.scope)
        self.users: UserRepository = FakeUserRepository(self._tx, self.scope)
        self.clients: ClientRepository = FakeClientRepository(self._tx, self.scope, store.clock)
        self.sign_ins: SignInLedger = FakeSignInLedger(self._tx, self.scope)
        self.audit: AccountAudit = FakeAccountAudit(self._tx, self.scope)

    @classmethod
    def for_principal(cls, store: FakeStore, principal: Principal) -> "FakeUnitOfWork":
        """The scope api.runtime.Runtime.uow_for gives this caller."""
        if principal.unrestricted:
            return cls(store)
        return cls(store, principal.school_ids, principal.trust_ids)

    async def __aenter__(self) -> Self:
        if self._tx.active:
            raise RuntimeError("unit of work is already in use")
        self._tx.begin()
        self.committed = False
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._tx.end()  # whatever was not committed is dropped

    async def commit(self) -> None:
        self._tx.commit()
        self.committed = True
        self.commits += 1

    async def rollback(self) -> None:
        self._tx.rollback()


def _conforms(
    uow: FakeUnitOfWork,
) -> tuple[
    FrameworkWork,
    ModuleWork,
    JudgementWork,
    IdentityWork,
    PupilWork,
    DestinationWork,
    TargetWork,
    OutcomeTargetWork,
]:
    """A static check that FakeUnitOfWork is all the unit of work that the use cases with unit
    tests ask for. It offers no more: ports only the database tests exercise have no fake."""
    return (uow, uow, uow, uow, uow, uow, uow, uow)
