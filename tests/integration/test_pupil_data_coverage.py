"""Subject access and erasure reach every table that holds pupil data: the features'
`PupilTable` declarations (persistence.records) must name exactly the tables the database's
catalogue says hold a pupil's rows (a pupil_id column, or a foreign key to such a table), and
the models must agree."""

from persistence.database import Database
from persistence.records import pupil_tables as declared_pupil_tables
from persistence.tables import metadata
from tests.pupil_catalogue import pupil_tables

PUPIL_TABLES = declared_pupil_tables()


async def test_every_table_holding_pupil_rows_is_exported_and_erased(database: Database) -> None:
    async with database.engine.connect() as connection:
        catalogue = set(await pupil_tables(connection))
    missing = catalogue - set(PUPIL_TABLES)
    assert not missing, (
        f"declare {sorted(missing)} as PupilTable constants in their feature's records"
    )
    assert set(PUPIL_TABLES) == catalogue, "PUPIL_TABLES names a table that holds no pupil rows"


def test_every_model_with_a_pupil_id_is_covered() -> None:
    with_pupil_id = {t.name for t in metadata.sorted_tables if "pupil_id" in t.c}
    assert with_pupil_id, "the models have pupil tables"
    assert with_pupil_id <= set(PUPIL_TABLES)


def test_rows_are_erased_before_the_rows_they_point_at() -> None:
    """A table's position in PUPIL_TABLES (the erasure order) comes before its parents'."""
    order = list(PUPIL_TABLES)
    for table in metadata.sorted_tables:
        if table.name not in PUPIL_TABLES:
            continue
        for key in table.foreign_keys:
            parent = key.column.table.name
            if parent in PUPIL_TABLES and parent != table.name:
                assert order.index(table.name) < order.index(parent), (table.name, parent)
