"""The privacy feature's repositories, as the unit of work offers them (each built the first
time a use case asks for it)."""

from persistence.privacy.pupil_records import SqlPupilRecords
from persistence.repository import repository


class PrivacyRepositories:
    pupil_records = repository(SqlPupilRecords)
