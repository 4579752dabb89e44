"""The kinds of pupil-level record as the API names and shows them.

The names come from the domain's kinds (domain.integration.records), so /exports/{resource}
and the change feed's `resources` list every kind there is; each change carries its item as
the kind's `ShownKind` (declared beside its answer in its feature's schemas) shows it.
"""

import enum
from typing import TYPE_CHECKING, Any, TypeAlias, Union

from pydantic import BaseModel

import api
from api.schemas import ShownKind
from domain.integration.records import exported, followed
from domain.kernel.discovery import declared


def _shown() -> dict[str, ShownKind]:
    shown = {k.name: k for k in declared(api, ShownKind, "_schemas")}
    missing = [k.name for k in followed() if k.name not in shown]
    if missing:
        raise RuntimeError(f"no answer shows {missing} in the change feed")
    return shown


SHOWN = _shown()

if TYPE_CHECKING:
    ExportResource: TypeAlias = str
    ChangedResource: TypeAlias = str
    ItemOut: TypeAlias = BaseModel
else:
    ExportResource = enum.StrEnum("ExportResource", [(k.name.upper(), k.name) for k in exported()])
    ChangedResource = enum.StrEnum(
        "ChangedResource", [(k.name.upper(), k.name) for k in followed()]
    )
    ChangedResource.__doc__ = (
        "The resources the feed follows, in the order they come within one commit."
    )
    ItemOut = Union[tuple(SHOWN[k.name].out for k in followed())]  # noqa: UP007


def shown_as(resource: str, item: Any) -> BaseModel:
    """The item of a change as its own GET shows it."""
    return SHOWN[resource].out.of(item)
