"""Staff users and integration clients as rows (persistence.mapping does the copying)."""

from domain.identity.identity import IntegrationClient, User
from persistence.identity.tables import IntegrationClientRow, UserRow
from persistence.mapping import RowMapping, columns_of

USERS = RowMapping(User, columns_of(UserRow))
CLIENTS = RowMapping(IntegrationClient, columns_of(IntegrationClientRow))
