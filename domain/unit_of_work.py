"""The unit of work: one transaction, with every feature's repositories narrowed to the
caller's scope. Nothing is kept unless the use case calls `commit`."""

from typing import Protocol, Self

from domain.analytics.ports import DataQualityQueries, ProgressModelRepository, ProgressQueries
from domain.assessment.ports import FrameworkRepository, JudgementRepository, ModuleRepository
from domain.identity.ports import ClientRepository, SignInLedger, UserRepository
from domain.integration.ports import AuditTrail, ChangeFeed, ExportQueries, ImportStore
from domain.organisation.ports import SchoolRepository, TrustRepository
from domain.outcomes.ports import (
    AttendanceRepository,
    DestinationRepository,
    MeasureRepository,
    QualificationRepository,
    SummaryQueries,
)
from domain.privacy.ports import PupilRecords
from domain.pupils.ports import PupilRepository
from domain.targets.ports import OutcomeTargetRepository, TargetRepository


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
