"""teaching groups: a school's classes, teaching and intervention groups, and memberships

- `teaching_groups`: name, kind (class / teaching / intervention), academic year and the staff
  accounts who teach it (`staff_ids`); a name once per school and year.
- `group_memberships`: a pupil in a group from `starts_on` until `ends_on` (null: still in it).
- Both are tenant tables: school_id first in every key, row-level security as the others
  (0002, 0005), audited (0008) and followed by the change feed (0007) as `groups` and
  `group_memberships`; the tombstones' resource check names them too.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# frozen here on purpose: a migration must not change when the models do
APP_ROLE = "stepwise_app"
VISIBLE = "school_id = ANY ((SELECT stepwise_visible_schools())::uuid[])"
TRACKED = {"teaching_groups": "groups", "group_memberships": "group_memberships"}
OLD_RESOURCES = ("attendance", "destinations", "judgements", "pupils", "qualifications", "targets")
NEW_RESOURCES = tuple(sorted((*OLD_RESOURCES, *TRACKED.values())))


def _tombstone_resources(values: tuple[str, ...]) -> None:
    name = op.f("ck_change_tombstones_resource")  # the final name, as 0007 made it
    op.drop_constraint(name, "change_tombstones", type_="check")
    listed = ", ".join(f"'{v}'" for v in values)
    op.create_check_constraint(name, "change_tombstones", f"resource IN ({listed})")


def upgrade() -> None:
    op.create_table(
        "teaching_groups",
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("academic_year", sa.String(), nullable=False),
        sa.Column(
            "staff_ids", postgresql.ARRAY(sa.Uuid()), server_default="{}", nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('class', 'teaching', 'intervention')", name="ck_teaching_groups_kind"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_teaching_groups_school_id_schools"
        ),
        sa.PrimaryKeyConstraint("school_id", "id", name="pk_teaching_groups"),
        sa.UniqueConstraint(
            "school_id",
            "academic_year",
            "name",
            name="uq_teaching_groups_school_id_academic_year_name",
        ),
    )
    op.create_table(
        "group_memberships",
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("pupil_id", sa.Uuid(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name="ck_group_memberships_dates"
        ),
        sa.ForeignKeyConstraint(
            ["school_id", "group_id"],
            ["teaching_groups.school_id", "teaching_groups.id"],
            name="fk_group_memberships_school_id_group_id_teaching_groups",
        ),
        sa.ForeignKeyConstraint(
            ["school_id", "pupil_id"],
            ["pupils.school_id", "pupils.id"],
            name="fk_group_memberships_school_id_pupil_id_pupils",
        ),
        sa.PrimaryKeyConstraint("school_id", "id", name="pk_group_memberships"),
    )
    for column in ("group_id", "pupil_id"):
        op.create_index(
            f"ix_group_memberships_school_id_{column}",
            "group_memberships",
            ["school_id", column],
        )
    _tombstone_resources(NEW_RESOURCES)
    for table, resource in TRACKED.items():
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN change_xid xid8 NOT NULL"
            " DEFAULT pg_current_xact_id()"
        )
        op.create_index(
            f"ix_{table}_school_id_change_xid_id", table, ["school_id", "change_xid", "id"]
        )
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY scope_isolation ON {table} TO {APP_ROLE}"
            f" USING ({VISIBLE}) WITH CHECK ({VISIBLE})"
        )
        op.execute(
            f"CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON {table}"
            " FOR EACH ROW"
            " WHEN (coalesce(current_setting('stepwise.import', true), '') = '')"
            " EXECUTE FUNCTION stepwise_audit_row()"
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


def downgrade() -> None:
    op.execute(
        "DELETE FROM change_tombstones WHERE resource IN "
        + "("
        + ", ".join(f"'{r}'" for r in TRACKED.values())
        + ")"
    )
    op.execute(
        "DELETE FROM audit_entries WHERE resource IN ('teaching_groups', 'group_memberships')"
    )
    _tombstone_resources(OLD_RESOURCES)
    op.drop_table("group_memberships")
    op.drop_table("teaching_groups")
