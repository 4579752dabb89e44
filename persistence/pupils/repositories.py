"""The pupils feature's repositories, as the unit of work offers them (each built the first
time a use case asks for it)."""

from persistence.pupils.group_repository import SqlGroupRepository
from persistence.pupils.pupil_repository import SqlPupilRepository
from persistence.repository import repository


class PupilsRepositories:
    pupils = repository(SqlPupilRepository)
    groups = repository(SqlGroupRepository)
