"""The targets feature's repositories, as the unit of work offers them (each built the first
time a use case asks for it)."""

from persistence.repository import repository
from persistence.targets.target_repository import SqlOutcomeTargetRepository, SqlTargetRepository


class TargetsRepositories:
    targets = repository(SqlTargetRepository)
    outcomes = repository(SqlOutcomeTargetRepository)
