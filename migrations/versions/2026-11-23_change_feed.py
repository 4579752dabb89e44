"""change feed — rows stamped with the writing transaction, commit positions, tombstones

`GET /api/v1/changes` lets an integration follow every insert, update and delete in the
order the transactions committed. What makes that possible, kept cheap for bulk imports:

- Each tracked table (pupils, judgements, targets, attendance_marks,
  qualification_entries, destinations) gets `change_xid xid8`, the id of the transaction
  that last wrote the row: the column default on insert (nothing else runs per inserted
  row, so a million-row import stays close to raw COPY speed), and a BEFORE UPDATE row
  trigger on update. An index (school_id, change_xid, id) finds one transaction's rows of
  one school in id order, so a page can stop and resume inside a very big transaction.
- Transaction ids are not commit order (a long transaction commits after later ones).
  `change_commits` gives each writing transaction a position in commit order: a statement
  trigger on each tracked table notes the transaction (once: ON CONFLICT DO NOTHING), and
  a deferred constraint trigger on change_commits numbers it at commit while holding a
  transaction advisory lock. The lock is released only after the commit is visible, so
  positions are handed out in commit order and a reader that sees position n+1 already
  sees n (or n never committed). The cost: committing writers queue on that lock for the
  instant between numbering and commit. Do not run `SET CONSTRAINTS ALL IMMEDIATE` in a
  writing transaction: the lock would then be held until it ends.
- change_commits holds no tenant data, only transaction ids and positions, so it has no
  school_id and no row-level security (the one such table among the tenant ones; a Citus
  reference table). The app role may only read it: the trigger functions that write it
  run as its owner (SECURITY DEFINER, fixed search_path).
- Deletes leave a tombstone in `change_tombstones` (AFTER DELETE row trigger; deletes
  are rare and row by row), a tenant table with row-level security like the others.
  Pupils are archived, not deleted: the feed reports an archived pupil as deleted.
- A pupil's characteristics and enrolments are part of the pupil: a row trigger on them
  stamps their pupil with the current transaction, unless it already carries it (as when
  the pupil row itself was written in the same transaction), so they show up as an
  upsert of their pupil.

Rows already there when this runs are stamped with this migration's transaction, which is
noted as a commit, so a feed followed from the beginning starts with everything. The new
column is added with that transaction id as a constant default (no table rewrite), then
the default becomes pg_current_xact_id().

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "stepwise_app"
VISIBLE = "school_id = ANY ((SELECT stepwise_visible_schools())::uuid[])"

# frozen here on purpose: a migration must not change when the code does
#: tracked table -> the feed's resource name
TRACKED = {
    "pupils": "pupils",
    "judgements": "judgements",
    "targets": "targets",
    "attendance_marks": "attendance",
    "qualification_entries": "qualifications",
    "destinations": "destinations",
}
#: parts of a pupil: a change to one is a change to the pupil
PUPIL_PARTS = ("pupil_characteristics", "enrolments")
#: the transaction advisory lock that numbers commits ("STEPWISE" in ASCII, as a bigint)
COMMIT_LOCK = 0x5354455057495345

_FUNCTIONS = {
    # BEFORE UPDATE, each row: the row now belongs to this transaction
    "stepwise_stamp_change": """
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.change_xid := pg_current_xact_id();
            RETURN NEW;
        END
        $$""",
    # AFTER INSERT OR UPDATE OR DELETE, each statement: note this transaction, once
    "stepwise_note_commit": """
        RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
        AS $$
        BEGIN
            INSERT INTO change_commits (xid) VALUES (pg_current_xact_id())
            ON CONFLICT DO NOTHING;
            RETURN NULL;
        END
        $$""",
    # deferred to commit, once per transaction: the next position, in commit order
    "stepwise_number_commit": f"""
        RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
        AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock({COMMIT_LOCK});
            UPDATE change_commits
            SET position = nextval('change_commit_positions'), committed_at = clock_timestamp()
            WHERE xid = NEW.xid;
            RETURN NULL;
        END
        $$""",
    # AFTER DELETE, each row: a tombstone under the resource name given as argument
    "stepwise_tombstone": """
        RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
        AS $$
        BEGIN
            INSERT INTO change_tombstones (school_id, resource, id)
            VALUES (OLD.school_id, TG_ARGV[0], OLD.id)
            ON CONFLICT (school_id, resource, id) DO UPDATE
            SET change_xid = EXCLUDED.change_xid, deleted_at = EXCLUDED.deleted_at;
            RETURN NULL;
        END
        $$""",
    # BEFORE INSERT OR UPDATE OR DELETE on a pupil's parts, each row: stamp the pupil
    "stepwise_touch_pupil": """
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'DELETE' THEN
                UPDATE pupils SET change_xid = pg_current_xact_id()
                WHERE school_id = NEW.school_id AND id = NEW.pupil_id
                  AND change_xid <> pg_current_xact_id();
            END IF;
            IF TG_OP <> 'INSERT' THEN
                UPDATE pupils SET change_xid = pg_current_xact_id()
                WHERE school_id = OLD.school_id AND id = OLD.pupil_id
                  AND change_xid <> pg_current_xact_id();
            END IF;
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END
        $$""",
}


def upgrade() -> None:
    op.execute("CREATE SEQUENCE change_commit_positions AS bigint")
    op.execute(
        "CREATE TABLE change_commits ("
        " xid xid8 NOT NULL,"
        " position bigint,"
        " committed_at timestamp with time zone,"
        " CONSTRAINT pk_change_commits PRIMARY KEY (xid))"
    )
    op.execute("CREATE UNIQUE INDEX uq_change_commits_position ON change_commits (position)")
    op.execute(
        "CREATE TABLE change_tombstones ("
        " school_id uuid NOT NULL,"
        " resource varchar NOT NULL,"
        " id uuid NOT NULL,"
        " change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),"
        " deleted_at timestamp with time zone NOT NULL DEFAULT clock_timestamp(),"
        " CONSTRAINT pk_change_tombstones PRIMARY KEY (school_id, resource, id),"
        " CONSTRAINT fk_change_tombstones_school_id_schools"
        " FOREIGN KEY (school_id) REFERENCES schools (id),"
        " CONSTRAINT ck_change_tombstones_resource CHECK (resource IN ("
        + ", ".join(f"'{r}'" for r in sorted(TRACKED.values()))
        + ")))"
    )
    op.execute(
        "CREATE INDEX ix_change_tombstones_school_id_change_xid_resource_id"
        " ON change_tombstones (school_id, change_xid, resource, id)"
    )
    op.execute("ALTER TABLE change_tombstones ENABLE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY scope_isolation ON change_tombstones TO {APP_ROLE}"
        f" USING ({VISIBLE}) WITH CHECK ({VISIBLE})"
    )
    # the app reads the feed; only the trigger functions (as the owner) write it
    for table in ("change_commits", "change_tombstones"):
        op.execute(f"REVOKE ALL ON {table} FROM {APP_ROLE}")
        op.execute(f"GRANT SELECT ON {table} TO {APP_ROLE}")

    for name, body in _FUNCTIONS.items():
        op.execute(f"CREATE FUNCTION {name}() {body}")
    op.execute(
        "CREATE CONSTRAINT TRIGGER change_commit_position AFTER INSERT ON change_commits"
        " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION stepwise_number_commit()"
    )

    this_transaction = op.get_bind().execute(text("SELECT pg_current_xact_id()::text")).scalar_one()
    for table, resource in TRACKED.items():
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN change_xid xid8 NOT NULL"
            f" DEFAULT '{int(this_transaction)}'::xid8"
        )
        op.execute(f"ALTER TABLE {table} ALTER COLUMN change_xid SET DEFAULT pg_current_xact_id()")
        op.execute(
            f"CREATE INDEX ix_{table}_school_id_change_xid_id"
            f" ON {table} (school_id, change_xid, id)"
        )
        op.execute(
            f"CREATE TRIGGER change_stamp BEFORE UPDATE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION stepwise_stamp_change()"
        )
        op.execute(
            f"CREATE TRIGGER change_commit AFTER INSERT OR UPDATE OR DELETE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION stepwise_note_commit()"
        )
        op.execute(
            f"CREATE TRIGGER change_tombstone AFTER DELETE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION stepwise_tombstone('{resource}')"
        )
    for table in PUPIL_PARTS:
        op.execute(
            f"CREATE TRIGGER change_touch_pupil BEFORE INSERT OR UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION stepwise_touch_pupil()"
        )
    # the rows already there: one commit, numbered when this migration commits
    op.execute(
        "INSERT INTO change_commits (xid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING"
    )


def downgrade() -> None:
    for table in PUPIL_PARTS:
        op.execute(f"DROP TRIGGER IF EXISTS change_touch_pupil ON {table}")
    for table in TRACKED:
        for trigger in ("change_stamp", "change_commit", "change_tombstone"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_school_id_change_xid_id")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS change_xid")
    op.execute("DROP TABLE IF EXISTS change_tombstones")
    op.execute("DROP TABLE IF EXISTS change_commits")
    for name in _FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.execute("DROP SEQUENCE IF EXISTS change_commit_positions")
