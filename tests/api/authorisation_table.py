"""The authorisation matrix's expected outcomes (authorisation_matrix.md) and its operations.

Operations come from the API itself: every path and method of the OpenAPI document, every
query and mutation root field of the GraphQL schema. A new one has no row until someone
classifies it; print the rows to paste (every cell `?`, which fails until filled in) with

    python -m tests.api.authorisation_table --missing
"""

import argparse
import sys
from pathlib import Path
from typing import Any

from api.graphql.schema import build_schema
from tests.api.authorisation_victim import CALLERS

TABLE = Path(__file__).with_name("authorisation_matrix.md")

#: What a cell may say. `422-ref` is a 422 for a body naming a record the caller cannot see,
#: byte-for-byte the answer for an id that never existed (tests/api/test_tenancy_matrix.py).
OUTCOMES = frozenset({"ok", "401", "403", "404", "409", "422", "422-ref"})
UNCLASSIFIED = "?"


def rest_operations(openapi: dict[str, Any]) -> list[str]:
    return [
        f"{method.upper()} {path}" for path, item in openapi["paths"].items() for method in item
    ]


def graphql_operations() -> list[str]:
    schema = build_schema()._schema
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    return [f"query {name}" for name in schema.query_type.fields] + [
        f"mutation {name}" for name in schema.mutation_type.fields
    ]


def load(table: Path = TABLE) -> dict[str, dict[str, str]]:
    """Each row's cells by caller, in the table's order."""
    rows: dict[str, dict[str, str]] = {}
    header: list[str] = []
    for line in table.read_text().splitlines():
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if not header:  # the legend's tables come before the matrix
            if cells[0] == "operation":
                header = cells
                assert header == ["operation", *CALLERS], f"{table.name}: columns {header}"
            continue
        assert cells[0] not in rows, f"{table.name}: {cells[0]} twice"
        rows[cells[0]] = dict(zip(CALLERS, cells[1:], strict=True))
    return rows


def row(operation: str, cells: list[str]) -> str:
    """One table line, aligned like the rest of the file."""
    widths = [len(caller) for caller in CALLERS]
    padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=True)]
    return "| " + " | ".join([f"`{operation}`".ljust(58), *padded]) + " |"


def missing(operations: list[str], rows: dict[str, dict[str, str]]) -> list[str]:
    return [row(op, [UNCLASSIFIED] * len(CALLERS)) for op in operations if op not in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="rows to paste, cells `?`")
    arguments = parser.parse_args()
    from api.app import create_app  # the app only for its OpenAPI document: no database
    from api.settings import ApiSettings

    operations = rest_operations(create_app(ApiSettings()).openapi()) + graphql_operations()
    rows = load()
    if arguments.missing:
        for line in missing(operations, rows):
            sys.stdout.write(line + "\n")
    for dead in rows.keys() - set(operations):
        sys.stdout.write(f"# no longer in the API, delete its row: {dead}\n")


if __name__ == "__main__":
    main()
