"""Row-level security: the database's own wall behind the repositories' filters."""

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from persistence.database import Database
from persistence.scope import Scope
from persistence.tables import TENANT_TABLES
from tests.factories import World


def _scope_of(world: World) -> Scope:
    return Scope(frozenset({world.school.id}), frozenset({world.trust.id}))


async def test_the_app_role_can_neither_bypass_rls_nor_act_as_superuser(database: Database) -> None:
    async with database.engine.connect() as connection:
        row = (
            await connection.execute(
                text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'stepwise_app'")
            )
        ).one()
    assert tuple(row) == (False, False)


async def test_every_tenant_table_has_row_level_security_enabled(database: Database) -> None:
    async with database.engine.connect() as connection:
        enabled = set(
            (
                await connection.execute(
                    text("SELECT relname FROM pg_class WHERE relrowsecurity AND relkind = 'r'")
                )
            ).scalars()
        )
    assert set(TENANT_TABLES) <= enabled
    assert {"schools", "trusts", "frameworks"} <= enabled


async def test_unfiltered_sql_in_a_scoped_transaction_sees_only_the_scoped_school(
    database: Database, world: World, other_world: World
) -> None:
    async with database.unit_of_work(_scope_of(world)) as uow:
        schools = set(
            (await uow.session.execute(text("SELECT DISTINCT school_id FROM pupils"))).scalars()
        )
        judgement_schools = set(
            (await uow.session.execute(text("SELECT DISTINCT school_id FROM modules"))).scalars()
        )
        user = (await uow.session.execute(text("SELECT current_user"))).scalar_one()
    assert schools == {world.school.id}
    assert judgement_schools == {world.school.id}
    assert user == "stepwise_app"


async def test_the_app_role_with_no_scope_set_sees_no_rows(
    database: Database, world: World
) -> None:
    async with database.engine.connect() as connection, connection.begin():
        await connection.execute(text("SELECT set_config('role', 'stepwise_app', true)"))
        count = (await connection.execute(text("SELECT count(*) FROM pupils"))).scalar_one()
        schools = (await connection.execute(text("SELECT count(*) FROM schools"))).scalar_one()
    assert count == 0
    assert schools == 0


async def test_writing_a_row_for_another_school_is_refused_by_the_policy(
    database: Database, world: World, other_world: World
) -> None:
    insert = text(
        "INSERT INTO modules"
        " (school_id, id, academic_year, sequence, name, starts_on, ends_on, version)"
        " VALUES (:school, :id, '2023/24', 9, 'smuggled', '2023-09-01', '2023-09-02', 1)"
    )
    with pytest.raises(DBAPIError, match="row-level security"):
        async with database.unit_of_work(_scope_of(world)) as uow:
            await uow.session.execute(insert, {"school": other_world.school.id, "id": uuid.uuid4()})


async def test_scope_settings_do_not_survive_into_the_next_transaction_on_a_pooled_connection(
    database: Database, world: World, other_world: World
) -> None:
    """Alternate scoped and unscoped work many times: nothing carries over between them."""
    for _ in range(25):
        async with database.unit_of_work(_scope_of(other_world)) as uow:
            seen = set(
                (await uow.session.execute(text("SELECT DISTINCT school_id FROM pupils"))).scalars()
            )
            assert seen == {other_world.school.id}
        async with database.engine.connect() as connection:
            user, setting = (
                await connection.execute(
                    text("SELECT current_user, current_setting('stepwise.school_ids', true)")
                )
            ).one()
            assert user != "stepwise_app"
            assert setting in ("", None)


async def test_every_scope_policy_reads_the_visible_ids_once_per_statement(
    database: Database,
) -> None:
    """Migration 0005: a scalar subquery (an InitPlan), not a function call per row."""
    async with database.engine.connect() as connection:
        rows = (
            await connection.execute(
                text(
                    "SELECT tablename, concat(qual, ' ', with_check) AS rule FROM pg_policies"
                    " WHERE policyname = 'scope_isolation'"
                )
            )
        ).all()
    assert {r.tablename for r in rows} >= set(TENANT_TABLES)
    for table, rule in rows:
        assert "SELECT stepwise_visible_" in rule, table
        assert "ANY (stepwise_visible_" not in rule, table
