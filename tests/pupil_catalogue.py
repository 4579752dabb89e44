"""Where pupil data is held, read from PostgreSQL's own catalogue rather than from the code
under test: every table with a pupil_id column, and every table with a foreign key to one of
those (a pupil's rows by way of their parent). The privacy tests check the export and the
erasure against this, so a table added later is covered or the tests fail."""

import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

_WITH_PUPIL_ID = text(
    "SELECT table_name FROM information_schema.columns"
    " WHERE table_schema = 'public' AND column_name = 'pupil_id'"
    " AND table_name IN (SELECT table_name FROM information_schema.tables"
    "  WHERE table_schema = 'public' AND table_type = 'BASE TABLE')"
)

#: (child, parent, child columns, parent columns) of every foreign key in the schema
_FOREIGN_KEYS = text(
    "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text,"
    " array(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)"
    "  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),"
    " array(SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)"
    "  JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)"
    " FROM pg_constraint c JOIN pg_namespace s ON s.oid = c.connamespace"
    " WHERE c.contype = 'f' AND s.nspname = 'public'"
)


async def pupil_tables(connection: AsyncConnection) -> dict[str, str]:
    """table -> SQL selecting its rows of pupil :pupil: `pupils` itself, tables with a
    pupil_id column, and tables pointing at any of those (to any depth)."""
    found = {"pupils": "SELECT * FROM pupils WHERE id = :pupil"}
    for (table,) in (await connection.execute(_WITH_PUPIL_ID)).all():
        found[table] = f"SELECT * FROM {table} WHERE pupil_id = :pupil"  # noqa: S608
    keys = (await connection.execute(_FOREIGN_KEYS)).all()
    grew = True
    while grew:
        grew = False
        for child, parent, child_columns, parent_columns in keys:
            if parent in found and child not in found and parent != child:
                join = " AND ".join(
                    f"c.{a} = p.{b}" for a, b in zip(child_columns, parent_columns, strict=True)
                )
                found[child] = f"SELECT c.* FROM {child} c JOIN ({found[parent]}) p ON {join}"  # noqa: S608
                grew = True
    return found


async def rows_held(
    connection: AsyncConnection, pupil_id: uuid.UUID | str
) -> dict[str, list[dict[str, Any]]]:
    """Every row of every pupil table that is the pupil's, as stored."""
    held = {}
    for table, query in (await pupil_tables(connection)).items():
        result = await connection.execute(text(query), {"pupil": uuid.UUID(str(pupil_id))})
        held[table] = [dict(r) for r in result.mappings()]
    return held
