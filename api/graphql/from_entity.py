"""GraphQL objects made from domain entities by field name, so no field is copied by hand.

Strawberry types are dataclasses: `from_entity` fills each of a type's fields from the
entity's attribute of the same name, and takes what differs (a label for an academic year,
nested objects, private fields) as keywords.
"""

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def from_entity(kind: type[T], entity: object, **given: Any) -> T:
    names = [f.name for f in dataclasses.fields(kind) if f.init]  # type: ignore[arg-type]
    copied = {name: getattr(entity, name) for name in names if name not in given}
    return kind(**copied, **given)
