"""Ready to distribute by school (Citus), read from the migrated database's own catalog.

Citus shards a distributed table by one column and can enforce a primary key, a unique
constraint or a unique index only if it includes that column, and a foreign key between
distributed tables only if both sides' distribution columns correspond. Reference tables
are copied whole to every node, so a distributed table may point at one, but a reference
table may not point at a distributed one. Here the distribution column is school_id, the
tenant tables are persistence.tables.TENANT_TABLES, and docs/scaling.md's set-up SQL must
name the same tables. The catalog, not the SQLModel metadata, is what Citus would see.
"""

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from persistence.database import Database
from persistence.tables import REFERENCE_TABLES, TENANT_TABLES

KEY = "school_id"

#: why each table is copied whole rather than split by school
REASONS = {
    "trusts": "above schools: a trust has no single school",
    "schools": "the tenants themselves; read with every tenant row (scope, names)",
    "frameworks": "owned by a trust (school_id null) and shared by its schools, or by a school",
    "strands": "part of a framework",
    "steps": "part of a framework; judgements and targets point at them",
    "users": "staff of a trust may reach several schools; sign-in looks them up by email",
    "integration_clients": "an MIS client may be granted several schools",
    "progress_models": "per framework, and a percentile model pools schools",
    "progress_rate_rules": "part of a progress model",
    "progress_reference_cells": "part of a progress model, computed across schools",
    "measure_definitions": "owned by a trust (school_id null) or a school, read trust-wide",
    "change_commits": "transaction ids and commit positions only, no tenant data",
    "sign_in_failures": "counts sign-ins to accounts, which may reach several schools",
}

_TABLES = text(
    "SELECT c.relname, EXISTS ("
    "  SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = :key"
    "   AND a.attnotnull AND NOT a.attisdropped) AS keyed"
    " FROM pg_class c"
    " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')"
    "  AND NOT c.relispartition AND c.relname <> 'alembic_version'"
)

#: every primary key, unique, exclusion and foreign key constraint, columns in key order
_CONSTRAINTS = text(
    "SELECT t.relname AS table, k.conname AS name, k.contype::text AS kind,"
    " ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY AS u(n, i)"
    "       JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n"
    "       ORDER BY u.i)::text[] AS columns,"
    " r.relname AS referred,"
    " ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY AS u(n, i)"
    "       JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n"
    "       ORDER BY u.i)::text[] AS referred_columns"
    " FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid"
    " LEFT JOIN pg_class r ON r.oid = k.confrelid"
    " WHERE t.relnamespace = 'public'::regnamespace AND k.contype IN ('p', 'u', 'x', 'f')"
)

#: every unique index (constraints' own and stand-alone ones), key columns only;
#: an expression has no attribute, so it never counts as school_id
_UNIQUE_INDEXES = text(
    "SELECT t.relname AS table, x.relname AS name,"
    " ARRAY(SELECT a.attname FROM unnest((i.indkey::int2[])[0:i.indnkeyatts - 1]) AS u(n)"
    "       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.n)::text[]"
    "   AS columns"
    " FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class x ON x.oid ="
    " i.indexrelid WHERE t.relnamespace = 'public'::regnamespace AND i.indisunique"
)


async def _rows(database: Database, statement: Any) -> list[Any]:
    async with database.engine.connect() as connection:
        return list((await connection.execute(statement, {"key": KEY})).all())


@pytest.fixture(scope="module")
async def keyed_tables(database: Database) -> dict[str, bool]:
    """Each table in the migrated schema -> whether it has a NOT NULL school_id."""
    return {row.relname: row.keyed for row in await _rows(database, _TABLES)}


def test_every_reference_table_says_why_it_is_not_split_by_school() -> None:
    assert set(REASONS) == set(REFERENCE_TABLES)


async def test_every_table_is_either_a_tenant_or_a_reference_table(
    keyed_tables: dict[str, bool],
) -> None:
    assert not set(TENANT_TABLES) & REFERENCE_TABLES
    assert set(keyed_tables) == set(TENANT_TABLES) | REFERENCE_TABLES
    unkeyed = sorted(t for t in TENANT_TABLES if not keyed_tables[t])
    assert unkeyed == [], "tenant tables need a NOT NULL school_id"


async def test_keys_and_unique_constraints_of_tenant_tables_include_school_id(
    database: Database,
) -> None:
    unique = [r for r in await _rows(database, _CONSTRAINTS) if r.kind in ("p", "u", "x")]
    assert {r.table for r in unique if r.kind == "p"} >= set(TENANT_TABLES)
    failing = [
        f"{r.table}.{r.name} {r.columns}"
        for r in unique
        if r.table in TENANT_TABLES and KEY not in r.columns
    ]
    assert failing == []


async def test_unique_indexes_of_tenant_tables_include_school_id(database: Database) -> None:
    indexes = await _rows(database, _UNIQUE_INDEXES)
    assert len([i for i in indexes if i.table in TENANT_TABLES]) > len(TENANT_TABLES)
    failing = [
        f"{i.table}.{i.name} {i.columns}"
        for i in indexes
        if i.table in TENANT_TABLES and KEY not in i.columns
    ]
    assert failing == []


def _co_located(row: Any) -> bool:
    """school_id on both sides, in the same place: the rows are on the same shard."""
    return any(
        mine == theirs == KEY
        for mine, theirs in zip(row.columns, row.referred_columns, strict=True)
    )


async def test_foreign_keys_stay_within_a_school_or_point_at_reference_tables(
    database: Database,
) -> None:
    keys = [r for r in await _rows(database, _CONSTRAINTS) if r.kind == "f"]
    assert any(r.table in TENANT_TABLES and r.referred in TENANT_TABLES for r in keys)
    failing = [
        f"{r.table}.{r.name} {r.columns} -> {r.referred} {r.referred_columns}"
        for r in keys
        if r.table in TENANT_TABLES and r.referred not in REFERENCE_TABLES and not _co_located(r)
    ]
    assert failing == []


async def test_reference_tables_never_point_at_tenant_tables(database: Database) -> None:
    keys = [r for r in await _rows(database, _CONSTRAINTS) if r.kind == "f"]
    failing = [
        f"{r.table}.{r.name} -> {r.referred}"
        for r in keys
        if r.table in REFERENCE_TABLES and r.referred not in REFERENCE_TABLES
    ]
    assert failing == []


def test_the_scaling_guide_distributes_exactly_these_tables() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "scaling.md").read_text()
    distributed = re.findall(r"create_distributed_table\('(\w+)', '(\w+)'", guide)
    reference = re.findall(r"create_reference_table\('(\w+)'\)", guide)
    assert {column for _, column in distributed} == {KEY}
    assert sorted(t for t, _ in distributed) == sorted(TENANT_TABLES)
    assert sorted(reference) == sorted(REFERENCE_TABLES)
