"""sign-in safety: failed sign-ins counted in PostgreSQL, a token generation per user

- `sign_in_failures`: failed sign-ins per account (a hash of the e-mail or client id, so an
  unknown account costs and looks the same) and per client address, with when the next
  attempt may be made. Held in the database so every server process shares the count.
- `users.token_generation`: copied into each token a user is given and checked when a token
  is used. Deactivating a user, changing their role or scope, or setting their password moves
  it on, which ends every token they hold at once.
- two new audit actions: `sign_in_failed` (an account's password or a client's secret was
  wrong; never the password itself) and `account` (a staff account was created, changed,
  deactivated, reactivated or given a new password).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# frozen here on purpose: a migration must not change when the models do
OLD_ACTIONS = ("insert", "update", "delete", "import", "subject_access", "erasure")
NEW_ACTIONS = (*OLD_ACTIONS, "sign_in_failed", "account")


def _actions(values: tuple[str, ...]) -> None:
    op.drop_constraint("ck_audit_entries_action", "audit_entries", type_="check")
    listed = ", ".join(f"'{v}'" for v in values)
    op.create_check_constraint("ck_audit_entries_action", "audit_entries", f"action IN ({listed})")


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("scope", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("scope IN ('account', 'address')", name="ck_sign_in_failures_scope"),
        sa.PrimaryKeyConstraint("scope", "key", name="pk_sign_in_failures"),
    )
    op.add_column(
        "users",
        sa.Column("token_generation", sa.Integer(), server_default="1", nullable=False),
    )
    _actions(NEW_ACTIONS)


def downgrade() -> None:
    op.execute(f"DELETE FROM audit_entries WHERE action NOT IN {OLD_ACTIONS!r}")
    _actions(OLD_ACTIONS)
    op.drop_column("users", "token_generation")
    op.drop_table("sign_in_failures")
