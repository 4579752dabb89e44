"""Rows to entities and entities to row values, by field name: no field is copied by hand.

A `RowMapping` pairs a domain dataclass with its table. Reading, the row's attributes of the
same names as the entity's fields are validated into the entity by a pydantic `TypeAdapter`
(stored text becomes the entity's enum, arrays become lists, nested dataclasses come from
dicts); writing, every entity field that is also a column is taken, enums as their values.
Only what differs between the two is written out where the mapping is used: a column that
holds a value object (`academic_year` as its label), a nested object spread over columns
(a judgement's moderation), or children kept in a table of their own.
"""

import dataclasses
import enum
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter

from domain.kernel.calendar import AcademicYear

E = TypeVar("E")

#: Field name -> a function from the row to the field's value.
Readers = Mapping[str, Callable[[Any], Any]]
#: Column name -> a function from the entity to the column's value.
Writers = Mapping[str, Callable[[Any], Any]]


def stored(value: Any) -> Any:
    """A value as a column holds it: an enum as its value, an academic year as its label
    (`2023/24`), a tuple as a list and a set as a sorted list."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, AcademicYear):
        return value.label
    if isinstance(value, tuple | list):
        return [stored(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(stored(v) for v in value)
    return value


def _loaded(value: Any, kind: Any) -> Any:
    """A column's value as the field holds it, where pydantic cannot tell how by itself."""
    if kind is AcademicYear and isinstance(value, str):
        return AcademicYear.parse(value)
    return value


class RowMapping(Generic[E]):
    """One entity and one table: `entity(row)` and `values(entity)`.

    `read` supplies fields the row does not hold under the field's name; `write` supplies
    columns the entity does not hold under the column's name (or holds in another form);
    `columns` are the table's column names, so that fields with no column are left out.
    """

    def __init__(
        self,
        entity: type[E],
        columns: Iterable[str],
        *,
        read: Readers | None = None,
        write: Writers | None = None,
    ) -> None:
        self._adapter: TypeAdapter[E] = TypeAdapter(entity)
        self._read = dict(read or {})
        self._write = dict(write or {})
        fields = dataclasses.fields(entity)  # type: ignore[arg-type]
        hints = typing.get_type_hints(entity)  # real types, even from string annotations
        column_names = set(columns)
        self._from_row = [
            (f.name, hints[f.name])
            for f in fields
            if f.name in column_names and f.name not in self._read
        ]
        self._to_row = [
            f.name for f in fields if f.name in column_names and f.name not in self._write
        ]

    def entity(self, row: Any, **given: Any) -> E:
        """The entity a row stores; `given` supplies fields that come from elsewhere
        (children read from their own table)."""
        data = {
            name: _loaded(getattr(row, name), kind)
            for name, kind in self._from_row
            if name not in given
        }
        for name, reader in self._read.items():
            if name not in given:
                data[name] = reader(row)
        data.update(given)
        return self._adapter.validate_python(data)

    def values(self, entity: E, **given: Any) -> dict[str, Any]:
        """The row values an entity is stored as; `given` supplies columns the entity does not
        hold (a parent's id, a position)."""
        data = {name: stored(getattr(entity, name)) for name in self._to_row}
        for column, writer in self._write.items():
            data[column] = stored(writer(entity))
        data.update(given)
        return data


def columns_of(table: Any) -> list[str]:
    """The column names of a table class (SQLModel or SQLAlchemy)."""
    return [c.key for c in table.__table__.columns]
