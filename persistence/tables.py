"""Every table of the service, gathered from the features. They store; the domain validates.

Tenant tables carry `school_id` first in every primary key, unique constraint
and foreign key, so a row can only ever point at rows of its own school and
the schema can be distributed by school with Citus. Organisation and identity
tables (trusts, schools, frameworks, strands, steps, users, clients) are small
reference tables: see REFERENCE_TABLES and docs/scaling.md.

Each feature keeps its tables in its own `tables` module; importing this one
imports them all, so `metadata` is complete (Alembic and the tests read it).
"""

from sqlalchemy import MetaData

from persistence.analytics import tables as analytics_tables
from persistence.assessment import tables as assessment_tables
from persistence.columns import metadata as _metadata
from persistence.identity import tables as identity_tables
from persistence.integration import tables as integration_tables
from persistence.organisation import tables as organisation_tables
from persistence.outcomes import tables as outcomes_tables
from persistence.pupils import tables as pupils_tables
from persistence.targets import tables as targets_tables

#: The feature modules whose tables make up `metadata`.
FEATURE_TABLES = (
    organisation_tables,
    identity_tables,
    pupils_tables,
    assessment_tables,
    targets_tables,
    outcomes_tables,
    analytics_tables,
    integration_tables,
)

metadata: MetaData = _metadata

#: Tables replicated whole to every node under Citus (no school_id distribution key).
REFERENCE_TABLES = frozenset(
    {
        "trusts",
        "schools",
        "frameworks",
        "strands",
        "steps",
        "users",
        "integration_clients",
        "progress_models",
        "progress_rate_rules",
        "progress_reference_cells",
        "measure_definitions",
        "change_commits",  # transaction ids and positions only (migration 0007)
        "sign_in_failures",  # hashed account keys and client addresses (migration 0010)
    }
)

#: Tenant tables protected by row-level security on school_id.
TENANT_TABLES = tuple(t.name for t in metadata.sorted_tables if t.name not in REFERENCE_TABLES)
