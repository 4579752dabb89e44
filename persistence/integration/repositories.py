"""The integration feature's repositories, as the unit of work offers them (each built the first
time a use case asks for it)."""

from persistence.integration.audit_repository import SqlAuditTrail
from persistence.integration.change_feed import SqlChangeFeed
from persistence.integration.export_queries import SqlExportQueries
from persistence.integration.import_store import SqlImportStore
from persistence.repository import repository


class IntegrationRepositories:
    imports = repository(SqlImportStore)
    exports = repository(SqlExportQueries)
    audit = repository(SqlAuditTrail)
    changes = repository(SqlChangeFeed)
