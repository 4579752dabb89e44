"""GraphQL types for report answers, derived from the REST response models.

A report (flags work-list, attendance summary, measure results...) has one shape,
defined once as a Pydantic response model in its feature's schemas module; GraphQL serves the same
shape through Strawberry's Pydantic integration rather than a hand-copied twin.
Each nested model becomes a type named after its topic (`flags.TallyOut` ->
`FlagsTally`), and each enum a GraphQL enum, so names never collide across reports.
"""

import enum
import sys
import typing
from typing import Any

from pydantic import BaseModel
from strawberry.experimental.pydantic import type as pydantic_type

_registered: dict[type[BaseModel], Any] = {}
_names: dict[str, type[BaseModel]] = {}


def _leaves(annotation: Any) -> list[Any]:
    args = typing.get_args(annotation)
    if not args:
        return [annotation]
    return [leaf for arg in args for leaf in _leaves(arg)]


def _topic(model: type[BaseModel]) -> str:
    """A schemas module may name its topic (`GRAPHQL_TOPIC`); else its file name is the topic."""
    module = sys.modules[model.__module__]
    file_name = model.__module__.rsplit(".", 1)[-1].removesuffix("_schemas")
    stem = getattr(module, "GRAPHQL_TOPIC", file_name)
    return "".join(part.title() for part in stem.split("_"))


def _name(model: type[BaseModel]) -> str:
    """A schemas module may name its answers (`GRAPHQL_NAMES`); else the topic and the model
    make the name."""
    named: dict[str, str] = getattr(sys.modules[model.__module__], "GRAPHQL_NAMES", {})
    base = model.__name__.removesuffix("Out")
    topic = _topic(model)
    singular = topic.removesuffix("s")
    name = base if base.startswith(singular) else f"{topic}{base}"
    name = named.get(model.__name__, name)
    owner = _names.setdefault(name, model)
    if owner is not model:
        raise ValueError(f"GraphQL type name {name} is taken by {owner.__qualname__}")
    return name


#: Enums the report types use, registered with the entity types' when the schema is built.
SHAPE_ENUMS: set[type[enum.Enum]] = set()


def graphql_type(model: type[BaseModel]) -> Any:
    """The Strawberry type for `model`, registering its nested models and enums first."""
    if model in _registered:
        return _registered[model]
    for field in model.model_fields.values():
        for leaf in _leaves(field.annotation):
            if isinstance(leaf, type) and issubclass(leaf, BaseModel):
                graphql_type(leaf)
            elif isinstance(leaf, type) and issubclass(leaf, enum.Enum):
                SHAPE_ENUMS.add(leaf)
    made = pydantic_type(model=model, all_fields=True, name=_name(model))(
        type(model.__name__, (), {})
    )
    _registered[model] = made
    return made
