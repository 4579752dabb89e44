"""The identity feature's repositories, as the unit of work offers them (each built the first
time a use case asks for it)."""

from persistence.identity.identity_repository import SqlClientRepository, SqlUserRepository
from persistence.identity.sign_in_repository import SqlSignInLedger
from persistence.repository import repository


class IdentityRepositories:
    users = repository(SqlUserRepository)
    clients = repository(SqlClientRepository)
    sign_ins = repository(SqlSignInLedger)
