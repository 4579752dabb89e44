"""The assessment feature's repositories, as the unit of work offers them (each built the first
time a use case asks for it)."""

from persistence.assessment.framework_repository import SqlFrameworkRepository
from persistence.assessment.judgement_repository import SqlJudgementRepository
from persistence.assessment.module_repository import SqlModuleRepository
from persistence.repository import repository


class AssessmentRepositories:
    frameworks = repository(SqlFrameworkRepository)
    modules = repository(SqlModuleRepository)
    judgements = repository(SqlJudgementRepository)
