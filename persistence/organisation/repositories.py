"""The organisation feature's repositories, as the unit of work offers them (each built the first
time a use case asks for it)."""

from persistence.organisation.organisation_repository import SqlSchoolRepository, SqlTrustRepository
from persistence.repository import repository


class OrganisationRepositories:
    trusts = repository(SqlTrustRepository)
    schools = repository(SqlSchoolRepository)
