"""analytics speed: a baseline index, and scope policies evaluated once per statement

Found by the progress benchmark (bench/README.md), on a 50-school, 4.25M-judgement trust:

1. ix_judgements_baselines: a partial, covering index of baseline judgements, so finding
   a pupil-strand's baseline is one index-only probe. pupil_id leads, not school_id, on
   purpose: under row-level security the policy's `school_id = ANY (...)` would otherwise
   become an index key with an array, sorted and searched again on every probe; as an
   INCLUDE column it is a cheap filter on the one entry found.

2. Every scope_isolation policy now calls stepwise_visible_schools() (and _trusts())
   through a scalar subquery, `= ANY ((SELECT stepwise_visible_schools())::uuid[])`, so
   PostgreSQL evaluates it once per statement (an InitPlan) instead of once per row: the
   function is inlined and parses the setting's uuid array text each time (about 20
   microseconds a row for 50 schools). The same rows are visible; only the evaluation
   changes. Policies are rewritten where they stand, so the tables 0002 and 0004 gave
   them are all covered.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import re
from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# how the policies read as created, and as PostgreSQL prints the rewritten form
_PER_ROW = re.compile(r"ANY \(stepwise_visible_(schools|trusts)\(\)\)")
_ONCE = re.compile(r"ANY \(\(\s*SELECT stepwise_visible_(schools|trusts)\(\)[^)]*\)::uuid\[\]\)")


def _rewrite(expression: str | None, once: bool) -> str | None:
    if expression is None:
        return None
    if once:
        return _PER_ROW.sub(r"ANY ((SELECT stepwise_visible_\1())::uuid[])", expression)
    return _ONCE.sub(r"ANY (stepwise_visible_\1())", expression)


def _rewrite_policies(once: bool) -> None:
    rows = op.get_bind().execute(
        text(
            "SELECT tablename, qual, with_check FROM pg_policies"
            " WHERE schemaname = current_schema() AND policyname = 'scope_isolation'"
            " ORDER BY tablename"
        )
    )
    for table, qual, check in rows.all():
        using, checked = _rewrite(qual, once), _rewrite(check, once)
        if (using, checked) == (qual, check):
            continue
        clauses = ([f"USING ({using})"] if using else []) + (
            [f"WITH CHECK ({checked})"] if checked else []
        )
        op.execute(f'ALTER POLICY scope_isolation ON "{table}" {" ".join(clauses)}')


def upgrade() -> None:
    op.execute(
        "CREATE INDEX ix_judgements_baselines ON judgements"
        " (pupil_id, strand_id, assessed_on, id)"
        " INCLUDE (school_id, step_id, moderation_state, moderated_step_id)"
        " WHERE kind = 'baseline'"
    )
    _rewrite_policies(once=True)


def downgrade() -> None:
    _rewrite_policies(once=False)
    op.execute("DROP INDEX IF EXISTS ix_judgements_baselines")
