"""The outcomes feature's repositories, as the unit of work offers them (each built the first
time a use case asks for it)."""

from persistence.outcomes.attendance_repository import SqlAttendanceRepository
from persistence.outcomes.destination_repository import SqlDestinationRepository
from persistence.outcomes.measure_repository import SqlMeasureRepository
from persistence.outcomes.qualification_repository import SqlQualificationRepository
from persistence.outcomes.summary_queries import SqlSummaryQueries
from persistence.repository import repository


class OutcomesRepositories:
    destinations = repository(SqlDestinationRepository)
    attendance = repository(SqlAttendanceRepository)
    qualifications = repository(SqlQualificationRepository)
    measures = repository(SqlMeasureRepository)
    summaries = repository(SqlSummaryQueries)
