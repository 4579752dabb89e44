"""row-level security: the app role sees only the schools and trusts of its scope

The service connects as the owner and, for every request's transaction, sets
role `stepwise_app` with `stepwise.school_ids` / `stepwise.trust_ids` (see
persistence/unit_of_work.py). These policies are the second wall behind the
repositories' own filters. Identity and scale tables (users, clients,
strands, steps) are read before a scope exists and carry no pupil data.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "stepwise_app"

# frozen here on purpose: a migration must not change when the models do
TENANT_TABLES = (
    "pupils",
    "pupil_characteristics",
    "enrolments",
    "modules",
    "judgements",
    "judgement_revisions",
    "targets",
    "target_revisions",
    "outcome_targets",
    "outcome_evaluations",
    "destinations",
)

#: table -> (which rows are visible, which rows may be written)
POLICIES = {
    **{
        t: ("school_id = ANY (stepwise_visible_schools())",) * 2
        for t in TENANT_TABLES
    },
    # a trust admin adds a school before it is in their scope: writes are checked by trust
    "schools": ("id = ANY (stepwise_visible_schools())", "trust_id = ANY (stepwise_visible_trusts())"),
    "trusts": ("id = ANY (stepwise_visible_trusts())",) * 2,
    "frameworks": (
        "school_id = ANY (stepwise_visible_schools()) OR trust_id = ANY (stepwise_visible_trusts())",
    )
    * 2,
}


def upgrade() -> None:
    op.execute(
        f"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
            END IF;
        END
        $$
        """
    )
    op.execute(
        f"""
        DO $$
        BEGIN
            IF NOT pg_has_role(current_user, '{APP_ROLE}', 'MEMBER') THEN
                EXECUTE format('GRANT {APP_ROLE} TO %I', current_user);
            END IF;
        END
        $$
        """
    )
    for name, setting in (("schools", "school_ids"), ("trusts", "trust_ids")):
        op.execute(
            f"""
            CREATE FUNCTION stepwise_visible_{name}() RETURNS uuid[]
            LANGUAGE sql STABLE PARALLEL SAFE AS $$
                SELECT coalesce(nullif(current_setting('stepwise.{setting}', true), ''), '{{}}')::uuid[]
            $$
            """
        )
    op.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
    op.execute(f"REVOKE ALL ON alembic_version FROM {APP_ROLE}")
    op.execute(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}"
    )
    for table, (visible, writable) in POLICIES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY scope_isolation ON {table} TO {APP_ROLE} "
            f"USING ({visible}) WITH CHECK ({writable})"
        )


def downgrade() -> None:
    for table in POLICIES:
        op.execute(f"DROP POLICY IF EXISTS scope_isolation ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {APP_ROLE}"
    )
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE}")
    op.execute(f"REVOKE USAGE ON SCHEMA public FROM {APP_ROLE}")
    op.execute("DROP FUNCTION IF EXISTS stepwise_visible_schools()")
    op.execute("DROP FUNCTION IF EXISTS stepwise_visible_trusts()")
