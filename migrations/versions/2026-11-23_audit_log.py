"""audit log — who changed what, when, from which import

`audit_entries` is written by row triggers on every table that holds a school's pupil
data, so REST, GraphQL, imports and the command line are all covered without any use
case remembering to log. The writer is read from transaction-local settings every unit
of work sets (persistence/scope.py): `stepwise.actor` (the principal's subject),
`stepwise.actor_name` and `stepwise.actor_kind` (user / client / system; unset = system).

- insert: `changes` holds the new row; delete: the old row; update: only the columns that
  changed, `{column: {"old": ..., "new": ...}}`. `school_id` and `id` are the entry's own
  columns; `change_xid` (the change feed's stamp) is left out, and an update that changes
  nothing else is not logged.
- a bulk import sets `stepwise.import` in its transaction: the triggers' WHEN clause then
  skips every row (cheaply, before the function is even called) and the import writes one
  summary entry (action `import`) with its counts, source and idempotency key.
- a tenant table like the others: row-level security on school_id (the once-per-statement
  form of 0005), first in the primary key. The app role may read and append, never change
  or remove an entry.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "stepwise_app"
VISIBLE = "school_id = ANY ((SELECT stepwise_visible_schools())::uuid[])"

# frozen here on purpose: a migration must not change when the models do
AUDITED_TABLES = (
    "pupils",
    "pupil_characteristics",
    "enrolments",
    "modules",
    "judgements",
    "targets",
    "outcome_targets",
    "outcome_evaluations",
    "destinations",
    "attendance_marks",
    "qualification_entries",
)

# `- '{school_id,id,change_xid}'`: columns that are the entry's own, or the change feed's
AUDIT_ROW = """
CREATE FUNCTION stepwise_audit_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
    changed jsonb;
    row_school uuid;
    row_id uuid;
BEGIN
    IF TG_OP = 'INSERT' THEN
        changed := to_jsonb(NEW) - '{school_id,id,change_xid}'::text[];
        row_school := NEW.school_id;
        row_id := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        changed := to_jsonb(OLD) - '{school_id,id,change_xid}'::text[];
        row_school := OLD.school_id;
        row_id := OLD.id;
    ELSE
        old_row := to_jsonb(OLD) - '{school_id,id,change_xid}'::text[];
        new_row := to_jsonb(NEW) - '{school_id,id,change_xid}'::text[];
        SELECT jsonb_object_agg(n.key, jsonb_build_object('old', old_row -> n.key, 'new', n.value))
          INTO changed
          FROM jsonb_each(new_row) AS n
         WHERE old_row -> n.key IS DISTINCT FROM n.value;
        IF changed IS NULL THEN
            RETURN NULL;
        END IF;
        row_school := NEW.school_id;
        row_id := NEW.id;
    END IF;
    INSERT INTO audit_entries
        (school_id, at, actor, actor_name, actor_kind, action, resource, record_id, changes)
    VALUES (
        row_school,
        now(),
        coalesce(nullif(current_setting('stepwise.actor', true), ''), 'system'),
        coalesce(nullif(current_setting('stepwise.actor_name', true), ''), 'system'),
        coalesce(nullif(current_setting('stepwise.actor_kind', true), ''), 'system'),
        lower(TG_OP),
        TG_TABLE_NAME,
        row_id,
        changed
    );
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("actor_name", sa.String(), nullable=False),
        sa.Column("actor_kind", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("resource", sa.String(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=True),
        sa.Column("changes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("import_ref", sa.String(), nullable=True),
        sa.CheckConstraint(
            "actor_kind IN ('user', 'client', 'system')", name="ck_audit_entries_actor_kind"
        ),
        sa.CheckConstraint(
            "action IN ('insert', 'update', 'delete', 'import')", name="ck_audit_entries_action"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_audit_entries_school_id_schools"
        ),
        sa.PrimaryKeyConstraint("school_id", "id", name="pk_audit_entries"),
    )
    # newest first per school is the primary key read backwards; one record's story is this
    op.create_index(
        "ix_audit_entries_school_id_record_id", "audit_entries", ["school_id", "record_id"]
    )
    op.execute("ALTER TABLE audit_entries ENABLE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY scope_isolation ON audit_entries TO {APP_ROLE}"
        f" USING ({VISIBLE}) WITH CHECK ({VISIBLE})"
    )
    op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries FROM {APP_ROLE}")
    op.execute(AUDIT_ROW)
    for table in AUDITED_TABLES:
        op.execute(
            f"CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON {table}"
            " FOR EACH ROW"
            " WHEN (coalesce(current_setting('stepwise.import', true), '') = '')"
            " EXECUTE FUNCTION stepwise_audit_row()"
        )


def downgrade() -> None:
    for table in AUDITED_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS audit_row ON {table}")
    op.execute("DROP FUNCTION IF EXISTS stepwise_audit_row()")
    op.drop_table("audit_entries")
