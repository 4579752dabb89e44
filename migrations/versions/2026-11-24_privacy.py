"""privacy: judgement revisions name their pupil; audit entries can be scrubbed on erasure

UK GDPR subject access and erasure (domain/services/privacy.py) find everything held
about one pupil by `pupil_id`. Two things stood in the way:

- `judgement_revisions` are kept after their judgement is deleted, and only named the
  judgement. They now carry `pupil_id`, filled by a BEFORE INSERT trigger from the
  judgement (so neither the repository nor the bulk import has to remember), and backfilled
  here from the judgements, or for a deleted judgement from its audit entries.
- the app role may append to `audit_entries` but never change one (0008). Erasure must
  replace the personal values in a pupil's entries, so `stepwise_scrub_audit` does that,
  as the owner (SECURITY DEFINER), only for a school in the caller's scope, and only the
  values of row entries: keys, who, when and which record stay.
- `schools.sen_retention_years` (default 31): how long the school keeps SEN records, from
  the pupil's date of birth, before a pupil may be erased without a recorded decision.
- two new actions: `subject_access` (an export was made) and `erasure` (a pupil was erased:
  ids, reason and retention decision only).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "stepwise_app"

# frozen here on purpose: a migration must not change when the models do
OLD_ACTIONS = ("insert", "update", "delete", "import")
NEW_ACTIONS = (*OLD_ACTIONS, "subject_access", "erasure")

_FILL_PUPIL = """
CREATE FUNCTION stepwise_revision_pupil() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.pupil_id IS NULL THEN
        SELECT pupil_id INTO NEW.pupil_id FROM judgements
         WHERE school_id = NEW.school_id AND id = NEW.judgement_id;
    END IF;
    RETURN NEW;
END
$$
"""

# values become "erased"; the keys say which fields there were, not what they held
_SCRUB = f"""
CREATE FUNCTION stepwise_scrub_audit(school uuid, record_ids uuid[]) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    scrubbed bigint;
BEGIN
    IF current_setting('role') = '{APP_ROLE}'
       AND NOT school = ANY (stepwise_visible_schools()) THEN
        RAISE EXCEPTION 'school % is outside the caller''s scope', school
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE audit_entries
       SET changes = (SELECT coalesce(jsonb_object_agg(k, '"erased"'::jsonb), '{{}}'::jsonb)
                        FROM jsonb_object_keys(changes) AS k)
     WHERE school_id = school AND record_id = ANY (record_ids)
       AND action IN ('insert', 'update', 'delete');
    GET DIAGNOSTICS scrubbed = ROW_COUNT;
    RETURN scrubbed;
END
$$
"""


def _actions(values: tuple[str, ...]) -> None:
    op.drop_constraint("ck_audit_entries_action", "audit_entries", type_="check")
    listed = ", ".join(f"'{v}'" for v in values)
    op.create_check_constraint("ck_audit_entries_action", "audit_entries", f"action IN ({listed})")


def upgrade() -> None:
    op.add_column(
        "schools",
        sa.Column("sen_retention_years", sa.Integer(), server_default="31", nullable=False),
    )
    op.add_column("judgement_revisions", sa.Column("pupil_id", sa.Uuid(), nullable=True))
    op.execute(
        "UPDATE judgement_revisions r SET pupil_id = j.pupil_id FROM judgements j"
        " WHERE j.school_id = r.school_id AND j.id = r.judgement_id"
    )
    op.execute(
        "UPDATE judgement_revisions r SET pupil_id = (a.changes ->> 'pupil_id')::uuid"
        " FROM audit_entries a"
        " WHERE r.pupil_id IS NULL AND a.school_id = r.school_id"
        " AND a.resource = 'judgements' AND a.record_id = r.judgement_id"
        " AND a.action IN ('insert', 'delete') AND a.changes ? 'pupil_id'"
    )
    op.create_index(
        "ix_judgement_revisions_school_id_pupil_id",
        "judgement_revisions",
        ["school_id", "pupil_id"],
    )
    op.execute(_FILL_PUPIL)
    op.execute(
        "CREATE TRIGGER revision_pupil BEFORE INSERT ON judgement_revisions"
        " FOR EACH ROW EXECUTE FUNCTION stepwise_revision_pupil()"
    )
    _actions(NEW_ACTIONS)
    op.execute(_SCRUB)
    op.execute("REVOKE ALL ON FUNCTION stepwise_scrub_audit(uuid, uuid[]) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION stepwise_scrub_audit(uuid, uuid[]) TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS stepwise_scrub_audit(uuid, uuid[])")
    op.execute(f"DELETE FROM audit_entries WHERE action NOT IN {OLD_ACTIONS!r}")
    _actions(OLD_ACTIONS)
    op.execute("DROP TRIGGER IF EXISTS revision_pupil ON judgement_revisions")
    op.execute("DROP FUNCTION IF EXISTS stepwise_revision_pupil()")
    op.drop_index("ix_judgement_revisions_school_id_pupil_id", table_name="judgement_revisions")
    op.drop_column("judgement_revisions", "pupil_id")
    op.drop_column("schools", "sen_retention_years")
