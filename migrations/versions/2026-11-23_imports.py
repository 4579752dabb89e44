"""imports: idempotency records

An import sent with an Idempotency-Key stores its report here, in the same transaction as
its writes, so a retry gets the first answer and writes nothing. A tenant table: row-level
security like the others (in the once-per-statement form of 0005).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "stepwise_app"
VISIBLE = "school_id = ANY ((SELECT stepwise_visible_schools())::uuid[])"


def upgrade() -> None:
    op.create_table(
        "idempotency_records",
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("resource", sa.String(), nullable=False),
        sa.Column("request_digest", sa.String(), nullable=False),
        sa.Column("report", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name="fk_idempotency_records_school_id_schools"
        ),
        sa.PrimaryKeyConstraint("school_id", "key", name="pk_idempotency_records"),
    )
    op.execute("ALTER TABLE idempotency_records ENABLE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY scope_isolation ON idempotency_records TO {APP_ROLE}"
        f" USING ({VISIBLE}) WITH CHECK ({VISIBLE})"
    )


def downgrade() -> None:
    op.drop_table("idempotency_records")
