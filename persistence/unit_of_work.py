"""The SQL unit of work: one session, one transaction, repositories narrowed to a scope.

For a restricted scope every transaction starts with
`set_config('role', 'stepwise_app')` and the visible school and trust ids, so
PostgreSQL row-level security filters rows even if a repository forgot to.
The same statement names the actor (`stepwise.actor`, `_name`, `_kind`) that the
audit triggers record. The settings are transaction-local: a pooled connection
carries nothing over.
"""

from typing import Any, Self

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, SessionTransaction

from domain.analytics.ports import DataQualityQueries, ProgressModelRepository, ProgressQueries
from domain.assessment.ports import FrameworkRepository, JudgementRepository, ModuleRepository
from domain.identity.ports import ClientRepository, SignInLedger, UserRepository
from domain.integration.audit import SYSTEM_ACTOR
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
from persistence.analytics.partitions import Partitions
from persistence.analytics.progress_model_repository import SqlProgressModelRepository
from persistence.analytics.quality import SqlDataQualityQueries
from persistence.analytics.queries import SqlProgressQueries
from persistence.assessment.framework_repository import SqlFrameworkRepository
from persistence.assessment.judgement_repository import SqlJudgementRepository
from persistence.assessment.module_repository import SqlModuleRepository
from persistence.constraints import translate
from persistence.identity.identity_repository import SqlClientRepository, SqlUserRepository
from persistence.identity.sign_in_repository import SqlSignInLedger
from persistence.integration.audit_repository import SqlAuditTrail
from persistence.integration.change_feed import SqlChangeFeed
from persistence.integration.export_queries import SqlExportQueries
from persistence.integration.import_store import SqlImportStore
from persistence.organisation.organisation_repository import SqlSchoolRepository, SqlTrustRepository
from persistence.outcomes.attendance_repository import SqlAttendanceRepository
from persistence.outcomes.destination_repository import SqlDestinationRepository
from persistence.outcomes.measure_repository import SqlMeasureRepository
from persistence.outcomes.qualification_repository import SqlQualificationRepository
from persistence.outcomes.summary_queries import SqlSummaryQueries
from persistence.privacy.pupil_records import SqlPupilRecords
from persistence.pupils.pupil_repository import SqlPupilRepository
from persistence.scope import ACTOR_SQL, SCOPE_SQL, Scope
from persistence.targets.target_repository import SqlOutcomeTargetRepository, SqlTargetRepository


class SqlUnitOfWork:
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

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        scope: Scope,
        partitions: Partitions | None = None,
    ) -> None:
        self._session_factory = session_factory
        self.scope = scope
        self._partitions = partitions
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._session

    async def __aenter__(self) -> Self:
        session = self._session_factory()
        # restricted: role, visible ids and actor. Unrestricted: nothing for the operator (the
        # audit triggers read an unset actor as `system`), so sign-in costs no extra statement
        first, params = (
            (SCOPE_SQL, self.scope.scope_params())
            if self.scope.restricted
            else (ACTOR_SQL, self.scope.actor_params())
        )
        if self.scope.restricted or self.scope.actor != SYSTEM_ACTOR:

            def apply_scope(_: Session, __: SessionTransaction, connection: Any) -> None:
                connection.execute(first, params)

            event.listen(session.sync_session, "after_begin", apply_scope)
        self._session = session
        self.trusts = SqlTrustRepository(session, self.scope)
        self.schools = SqlSchoolRepository(session, self.scope)
        self.pupils = SqlPupilRepository(session, self.scope)
        self.frameworks = SqlFrameworkRepository(session, self.scope)
        self.modules = SqlModuleRepository(session, self.scope)
        self.judgements = SqlJudgementRepository(session, self.scope)
        self.targets = SqlTargetRepository(session, self.scope)
        self.outcomes = SqlOutcomeTargetRepository(session, self.scope)
        self.destinations = SqlDestinationRepository(session, self.scope)
        self.users = SqlUserRepository(session, self.scope)
        self.clients = SqlClientRepository(session, self.scope)
        self.sign_ins = SqlSignInLedger(session, self.scope)
        self.progress_models = SqlProgressModelRepository(session, self.scope)
        self.progress = SqlProgressQueries(session, self.scope, self._partitions)
        self.quality = SqlDataQualityQueries(session, self.scope)
        self.attendance = SqlAttendanceRepository(session, self.scope)
        self.qualifications = SqlQualificationRepository(session, self.scope)
        self.measures = SqlMeasureRepository(session, self.scope)
        self.summaries = SqlSummaryQueries(session, self.scope)
        self.imports = SqlImportStore(session, self.scope)
        self.exports = SqlExportQueries(session, self.scope)
        self.audit = SqlAuditTrail(session, self.scope)
        self.changes = SqlChangeFeed(session, self.scope)
        self.pupil_records = SqlPupilRecords(session, self.scope)
        return self

    async def __aexit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        session, self._session = self._session, None
        if session is not None:
            try:
                await session.rollback()
            finally:
                await session.close()
        if isinstance(exc, DBAPIError) and (domain_error := translate(exc)) is not None:
            raise domain_error from exc

    async def commit(self) -> None:
        try:
            await self.session.commit()
        except DBAPIError as error:
            if (domain_error := translate(error)) is not None:
                raise domain_error from error
            raise

    async def rollback(self) -> None:
        await self.session.rollback()
