"""Finding what the features declare, so that adding to a feature touches only that feature.

A feature declares something (a kind of record, say) as a module-level constant in a module
of an agreed name (`records`, `..._service`, `..._schemas`); whatever needs every one of them
asks here, rather than keeping a list that each new one would have to be added to. Only
modules of those names are imported, so looking is cheap and never imports the rest of the
service.
"""

import importlib
import pkgutil
from types import ModuleType
from typing import TypeVar

T = TypeVar("T")


def declared(package: ModuleType, kind: type[T], modules_ending: str | tuple[str, ...]) -> list[T]:
    """Every module-level `kind` in the modules of `package` (subpackages included) whose
    name ends with `modules_ending`, each once (a constant imported elsewhere is still one),
    in the order of the modules' names."""
    names = sorted(
        info.name
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
        if not info.ispkg and info.name.endswith(modules_ending)
    )
    found: dict[int, T] = {}
    for name in names:
        for value in vars(importlib.import_module(name)).values():
            if isinstance(value, kind):
                found.setdefault(id(value), value)
    return list(found.values())
