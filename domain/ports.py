"""The ports the domain needs from the outside world.

Repositories speak in entities and are already narrowed to the caller's scope
by the unit of work that owns them: a row outside it is simply not there.
Batch methods (`get_many`, `*_for_pupils`) exist for GraphQL data loaders.
"""

import uuid
from collections.abc import AsyncGenerator, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, Self

from domain.attendance import (
    AttendanceMark,
    AttendanceQuery,
    GroupAttendance,
    MarksWritten,
    PupilAttendance,
)
from domain.attendance_import import ImportedMark
from domain.audit import AuditAction, AuditFilter, AuditPage
from domain.calendar import Module
from domain.changes import ChangePage, ChangeQuery, FeedPosition
from domain.data_quality import MissingJudgement
from domain.destination import CategoryCount, Destination, LeaverQuery
from domain.exports import ExportFilter, ExportRecord, ExportResource
from domain.filters import (
    AttendanceFilter,
    DestinationFilter,
    FrameworkFilter,
    JudgementFilter,
    MeasureFilter,
    ModuleFilter,
    OutcomeTargetFilter,
    PupilFilter,
    QualificationFilter,
    SchoolFilter,
    TargetFilter,
)
from domain.flags import FlagCheck, FlagQuery, Worklist
from domain.framework import Framework, Step, Strand
from domain.idempotency import StoredImport
from domain.identity import IntegrationClient, User
from domain.imports import ImportCounts, RowError
from domain.judgement import Judgement, JudgementRevision
from domain.judgement_import import ImportedJudgement, PupilKey
from domain.measure import MeasureCounts, MeasureDefinition, MeasureQuery
from domain.organisation import School, Trust
from domain.paging import Page, PageRequest
from domain.progress import (
    AssessmentPoint,
    GroupCounts,
    ProgressFact,
    ProgressModel,
    ReferenceCell,
)
from domain.pupil import Pupil
from domain.qualification import PassCounts, PassRateQuery, QualificationEntry
from domain.sign_in import Rules, ThrottleKey
from domain.subject_access import HeldRow
from domain.target import OutcomeEvaluation, OutcomeTarget, Target, TargetRevision
from domain.target_progress import TargetProgress, TargetProgressQuery, TrackStatus
from domain.target_suggestion import PupilSuggestions, SuggestionQuery


class TrustRepository(Protocol):
    async def get(self, trust_id: uuid.UUID) -> Trust | None: ...
    async def add(self, trust: Trust) -> None: ...
    async def update(self, trust: Trust, previous_version: int) -> None: ...
    async def matching(self, page: PageRequest) -> Page[Trust]: ...


class SchoolRepository(Protocol):
    async def get(self, school_id: uuid.UUID) -> School | None: ...
    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[School]: ...
    async def add(self, school: School) -> None: ...
    async def update(self, school: School, previous_version: int) -> None: ...
    async def matching(self, filter: SchoolFilter, page: PageRequest) -> Page[School]: ...
    async def ids_of_trust(self, trust_id: uuid.UUID) -> frozenset[uuid.UUID]: ...


class PupilRepository(Protocol):
    async def get(self, pupil_id: uuid.UUID, include_deleted: bool = False) -> Pupil | None: ...
    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[Pupil]: ...
    async def add(self, pupil: Pupil) -> None: ...
    async def update(self, pupil: Pupil, previous_version: int) -> None: ...
    async def matching(self, filter: PupilFilter, page: PageRequest) -> Page[Pupil]: ...
    async def for_schools(
        self, school_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Pupil]]: ...


class FrameworkRepository(Protocol):
    async def get(self, framework_id: uuid.UUID) -> Framework | None: ...
    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[Framework]: ...
    async def for_strands(self, strand_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Framework]: ...
    async def add(self, framework: Framework) -> None: ...
    async def update(self, framework: Framework, previous_version: int) -> None: ...
    async def delete(self, framework: Framework) -> None: ...
    async def matching(self, filter: FrameworkFilter, page: PageRequest) -> Page[Framework]: ...
    async def in_use(self, framework_id: uuid.UUID) -> bool: ...
    async def steps(self, step_ids: Sequence[uuid.UUID]) -> list[Step]: ...
    async def strands(self, strand_ids: Sequence[uuid.UUID]) -> list[Strand]: ...


class ModuleRepository(Protocol):
    async def get(self, module_id: uuid.UUID) -> Module | None: ...
    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[Module]: ...
    async def add(self, module: Module) -> None: ...
    async def update(self, module: Module, previous_version: int) -> None: ...
    async def delete(self, module: Module) -> None: ...
    async def matching(self, filter: ModuleFilter, page: PageRequest) -> Page[Module]: ...
    async def in_use(self, module_id: uuid.UUID) -> bool: ...


class JudgementRepository(Protocol):
    async def get(self, judgement_id: uuid.UUID) -> Judgement | None: ...
    async def find(
        self, pupil_id: uuid.UUID, strand_id: uuid.UUID, module_id: uuid.UUID
    ) -> Judgement | None: ...
    async def add(self, judgement: Judgement) -> None: ...
    async def add_many(self, judgements: Sequence[Judgement]) -> None: ...
    async def update(self, judgement: Judgement, previous_version: int) -> None: ...
    async def delete(self, judgement: Judgement) -> None: ...
    async def add_revision(self, school_id: uuid.UUID, revision: JudgementRevision) -> None: ...
    async def revisions(
        self, judgement_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[JudgementRevision]]: ...
    async def matching(self, filter: JudgementFilter, page: PageRequest) -> Page[Judgement]: ...
    async def for_pupils(
        self, pupil_ids: Sequence[uuid.UUID], module_id: uuid.UUID | None = None
    ) -> dict[uuid.UUID, list[Judgement]]: ...
    async def pages_for_pupils(
        self, pupil_ids: Sequence[uuid.UUID], filter: JudgementFilter, page: PageRequest
    ) -> dict[uuid.UUID, Page[Judgement]]: ...


class TargetRepository(Protocol):
    async def get(self, target_id: uuid.UUID) -> Target | None: ...
    async def current(
        self, pupil_id: uuid.UUID, strand_id: uuid.UUID, academic_year: str
    ) -> Target | None: ...
    async def add(self, target: Target) -> None: ...
    async def update(self, target: Target, previous_version: int) -> None: ...
    async def add_revision(self, school_id: uuid.UUID, revision: TargetRevision) -> None: ...
    async def chains(self, target_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Target]]: ...
    async def matching(self, filter: TargetFilter, page: PageRequest) -> Page[Target]: ...
    async def for_pupils(self, pupil_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Target]]: ...
    async def pages_for_pupils(
        self, pupil_ids: Sequence[uuid.UUID], filter: TargetFilter, page: PageRequest
    ) -> dict[uuid.UUID, Page[Target]]: ...


class OutcomeTargetRepository(Protocol):
    async def get(self, outcome_id: uuid.UUID) -> OutcomeTarget | None: ...
    async def add(self, outcome: OutcomeTarget) -> None: ...
    async def update(self, outcome: OutcomeTarget, previous_version: int) -> None: ...
    async def add_evaluation(
        self, outcome: OutcomeTarget, evaluation: OutcomeEvaluation
    ) -> None: ...
    async def matching(
        self, filter: OutcomeTargetFilter, page: PageRequest
    ) -> Page[OutcomeTarget]: ...


class DestinationRepository(Protocol):
    async def get(self, destination_id: uuid.UUID) -> Destination | None: ...
    async def add(self, destination: Destination) -> None: ...
    async def update(self, destination: Destination, previous_version: int) -> None: ...
    async def delete(self, destination: Destination) -> None: ...
    async def matching(self, filter: DestinationFilter, page: PageRequest) -> Page[Destination]: ...


class UserRepository(Protocol):
    async def get(self, user_id: uuid.UUID) -> User | None: ...
    async def by_email(self, email: str) -> User | None: ...
    async def add(self, user: User) -> None: ...
    async def update(self, user: User, previous_version: int) -> None: ...
    async def matching(
        self, school_ids: frozenset[uuid.UUID] | None, trust_id: uuid.UUID | None, page: PageRequest
    ) -> Page[User]: ...


class ClientRepository(Protocol):
    async def by_client_id(self, client_id: str) -> IntegrationClient | None: ...
    async def add(self, client: IntegrationClient) -> None: ...
    async def mark_used(self, client: IntegrationClient) -> None: ...
    async def get(self, client_key: uuid.UUID) -> IntegrationClient | None: ...
    async def matching(
        self, school_ids: frozenset[uuid.UUID] | None, trust_id: uuid.UUID | None, page: PageRequest
    ) -> Page[IntegrationClient]:
        """Clients scoped to `trust_id`, or to schools all within `school_ids` (None: every
        client)."""
        ...

    async def revoke(self, client: IntegrationClient) -> None: ...


class ProgressModelRepository(Protocol):
    async def get(self, model_id: uuid.UUID) -> ProgressModel | None: ...
    async def for_framework(self, framework_id: uuid.UUID) -> list[ProgressModel]: ...
    async def add(self, model: ProgressModel) -> None: ...
    async def retire(self, model: ProgressModel) -> None: ...
    async def cells(self, model_id: uuid.UUID) -> list[ReferenceCell]: ...
    async def add_cells(self, model_id: uuid.UUID, cells: Sequence[ReferenceCell]) -> None: ...


class ProgressQueries(Protocol):
    """Progress computed where the data is: facts per pupil and strand, counts per group."""

    async def facts(
        self,
        point: AssessmentPoint,
        school_ids: Sequence[uuid.UUID],
        current_year_start: int,
        strand_id: uuid.UUID | None = None,
        pupil_id: uuid.UUID | None = None,
    ) -> list[ProgressFact]: ...

    async def cohort(
        self,
        point: AssessmentPoint,
        school_ids: Sequence[uuid.UUID],
        current_year_start: int,
        strand_id: uuid.UUID | None,
        dimensions: Sequence[str],
    ) -> list[GroupCounts]: ...

    async def reference_cells(
        self,
        model: ProgressModel,
        school_ids: Sequence[uuid.UUID],
        academic_years: Sequence[str],
    ) -> list[ReferenceCell]: ...

    async def flag_checks(self, query: FlagQuery) -> list[FlagCheck]:
        """CoP 6.17 flags and their evidence for every pupil-strand judged at the point."""
        ...

    async def flag_worklist(self, query: FlagQuery) -> Worklist:
        """Only the flagged pupil-strands (of `query.flag`, if given), with counts over all."""
        ...

    async def target_progress(
        self, query: TargetProgressQuery, page: PageRequest
    ) -> Page[TargetProgress]:
        """Current targets of the year with their projection and status, in target id order."""
        ...

    async def target_progress_counts(self, query: TargetProgressQuery) -> dict[TrackStatus, int]:
        """How many of the query's targets have each status (the status filter is ignored)."""
        ...

    async def target_suggestions(
        self, query: SuggestionQuery, page: PageRequest | None = None
    ) -> Page[PupilSuggestions]:
        """Pupils on roll when the year starts, in id order, each with a row per strand that
        has a percentile model; every pupil the query matches when `page` is None."""
        ...


class DataQualityQueries(Protocol):
    async def missing_judgements(
        self,
        point: AssessmentPoint,
        school_ids: Sequence[uuid.UUID],
        strand_id: uuid.UUID | None,
        limit: int,
    ) -> tuple[list[MissingJudgement], dict[uuid.UUID | None, int]]: ...


class AttendanceRepository(Protocol):
    async def upsert(self, marks: Sequence[AttendanceMark]) -> MarksWritten:
        """Insert each mark, or change the code of the pupil's mark for that date and session."""
        ...

    async def matching(
        self, filter: AttendanceFilter, page: PageRequest
    ) -> Page[AttendanceMark]: ...


class QualificationRepository(Protocol):
    async def get(self, entry_id: uuid.UUID) -> QualificationEntry | None: ...
    async def add(self, entry: QualificationEntry) -> None: ...
    async def update(self, entry: QualificationEntry, previous_version: int) -> None: ...
    async def delete(self, entry: QualificationEntry) -> None: ...
    async def matching(
        self, filter: QualificationFilter, page: PageRequest
    ) -> Page[QualificationEntry]: ...


class MeasureRepository(Protocol):
    async def get(self, measure_id: uuid.UUID) -> MeasureDefinition | None: ...
    async def add(self, measure: MeasureDefinition) -> None: ...
    async def matching(
        self, filter: MeasureFilter, page: PageRequest
    ) -> Page[MeasureDefinition]: ...


class SummaryQueries(Protocol):
    """Attendance, qualifications, measures and destinations counted where the data is."""

    async def attendance_of_pupils(self, query: AttendanceQuery) -> list[PupilAttendance]: ...
    async def attendance_of_groups(self, query: AttendanceQuery) -> list[GroupAttendance]: ...
    async def pass_rates(self, query: PassRateQuery) -> list[PassCounts]: ...
    async def measure(self, query: MeasureQuery) -> list[MeasureCounts]: ...
    async def destinations(self, query: LeaverQuery) -> list[CategoryCount]: ...


class ImportStore(Protocol):
    """Bulk writes for imports: rows staged in the transaction, then applied by natural key,
    writing only what differs (corrections keep their history)."""

    async def pupil_keys(
        self, school_id: uuid.UUID, include_archived: bool = False
    ) -> list[PupilKey]: ...
    async def stage_judgements(
        self, school_id: uuid.UUID, rows: Sequence[ImportedJudgement]
    ) -> None: ...
    async def drop_duplicate_judgements(self, school_id: uuid.UUID) -> list[RowError]:
        """Unstage rows for a pupil, strand and module an earlier line already gave."""
        ...

    async def apply_judgements(
        self, school_id: uuid.UUID, changed_by: str, changed_at: datetime, reason: str
    ) -> ImportCounts: ...
    async def stage_marks(self, school_id: uuid.UUID, rows: Sequence[ImportedMark]) -> None: ...
    async def drop_duplicate_marks(self, school_id: uuid.UUID) -> list[RowError]:
        """Unstage marks for a pupil, date and session an earlier line already gave."""
        ...

    async def apply_marks(self, school_id: uuid.UUID) -> ImportCounts: ...
    async def stored(self, school_id: uuid.UUID, key: str) -> StoredImport | None: ...
    async def store(self, school_id: uuid.UUID, stored: StoredImport) -> None: ...


class AuditTrail(Protocol):
    """The audit log. Row changes are logged by the database; an import instead marks its
    transaction (so its rows are not logged one by one) and writes one summary entry."""

    async def begin_import(
        self, school_id: uuid.UUID, resource: str, source: str, idempotency_key: str | None
    ) -> str:
        """Stop row-by-row logging for the rest of this transaction; the import's reference."""
        ...

    async def finish_import(
        self,
        school_id: uuid.UUID,
        ref: str,
        resource: str,
        counts: Mapping[str, int],
        source: str,
        idempotency_key: str | None,
    ) -> None:
        """Write the import's summary entry and resume row-by-row logging."""
        ...

    async def entries(self, audit_filter: AuditFilter) -> AuditPage: ...

    async def account_entry(
        self,
        resource: str,
        account: uuid.UUID | None,
        action: AuditAction,
        changes: Mapping[str, object],
    ) -> None:
        """An entry about a staff account or client (`resource` users or integration_clients)
        in each school it reaches, as the transaction's actor; none if `account` is None, at
        the same cost."""
        ...


class SignInLedger(Protocol):
    """Failed sign-ins per account and per address (domain.sign_in), shared by every server
    process."""

    async def blocked_until(self, keys: Sequence[ThrottleKey], now: datetime) -> datetime | None:
        """The latest time any of `keys` must wait until, if that is still to come."""
        ...

    async def record_failure(
        self, keys: Sequence[ThrottleKey], now: datetime, rules: Rules
    ) -> None: ...
    async def forget(self, key: ThrottleKey) -> None: ...


class ExportQueries(Protocol):
    """Every row of a resource for an export, read through a server-side cursor `size` rows
    at a time, so memory stays flat however many there are. Close the generator (or let it
    finish) before the unit of work ends."""

    def batches(
        self, resource: ExportResource, export_filter: ExportFilter, size: int
    ) -> AsyncGenerator[list[ExportRecord], None]: ...


class PupilRecords(Protocol):
    """Everything held about one pupil, wherever it is held: for subject access and erasure."""

    async def held_about(
        self, school_id: uuid.UUID, pupil_id: uuid.UUID
    ) -> dict[str, list[HeldRow]]: ...

    async def hold(self, pupil_id: uuid.UUID) -> None:
        """Until the transaction ends, no row pointing at the pupil can be written."""
        ...

    async def erase(
        self, school_id: uuid.UUID, pupil_id: uuid.UUID
    ) -> tuple[dict[str, int], dict[str, int]]:
        """Delete every row of the pupil, and scrub their values from the audit entries and
        import reports that keep them, without logging each row; (rows deleted per table,
        rows scrubbed per table)."""
        ...

    async def note(
        self,
        school_id: uuid.UUID,
        action: AuditAction,
        pupil_id: uuid.UUID,
        changes: Mapping[str, Any],
    ) -> None:
        """One audit entry about the pupil, written as the transaction's actor."""
        ...


class ChangeFeed(Protocol):
    """Changes in commit order (migration 0007), within the unit of work's scope."""

    async def changes(self, query: ChangeQuery) -> ChangePage: ...
    async def latest(self) -> FeedPosition:
        """After the last commit so far: following from here gives only what comes next."""
        ...


class UnitOfWork(Protocol):
    """One transaction. Nothing is kept unless the use case calls `commit`."""

    trusts: TrustRepository
    schools: SchoolRepository
    pupils: PupilRepository
    frameworks: FrameworkRepository
    modules: ModuleRepository
    judgements: JudgementRepository
    targets: TargetRepository
    outcomes: OutcomeTargetRepository
    destinations: DestinationRepository
    users: UserRepository
    clients: ClientRepository
    sign_ins: SignInLedger
    progress_models: ProgressModelRepository
    progress: ProgressQueries
    quality: DataQualityQueries
    attendance: AttendanceRepository
    qualifications: QualificationRepository
    measures: MeasureRepository
    summaries: SummaryQueries
    imports: ImportStore
    exports: ExportQueries
    audit: AuditTrail
    changes: ChangeFeed
    pupil_records: PupilRecords

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


class PasswordHasher(Protocol):
    """Deliberately slow hashing; async so adapters can run it off the event loop."""

    async def hash(self, password: str) -> str: ...
    async def verify(self, password_hash: str, password: str) -> bool: ...
