"""The analytics feature's repositories, as the unit of work offers them (each built the first
time a use case asks for it)."""

from persistence.analytics.progress_model_repository import SqlProgressModelRepository
from persistence.analytics.quality import SqlDataQualityQueries
from persistence.analytics.queries import SqlProgressQueries
from persistence.repository import BuiltOnFirstUse, repository


class AnalyticsRepositories:
    progress_models = repository(SqlProgressModelRepository)
    progress = BuiltOnFirstUse(
        lambda unit: SqlProgressQueries(unit.session, unit.scope, unit.partitions)
    )
    quality = repository(SqlDataQualityQueries)
