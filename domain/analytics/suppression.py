"""Small-group suppression: which group figures to withhold from a published table.

A group with fewer than `min_group_size` pupils is withheld (primary suppression): with
three Pupil Premium leavers, "100%" names three children. Withholding one value of a
breakdown is not enough when the others and the total are shown, since the missing one is
the total minus the rest; so when exactly one value of a breakdown is withheld, the next
smallest is withheld too (secondary suppression). The whole cohort is withheld only when it
is itself too small.
"""

from collections import defaultdict
from collections.abc import Iterable

GroupKey = tuple[str, str | None]


def withheld(groups: Iterable[tuple[str, str | None, int]], min_group_size: int) -> set[GroupKey]:
    """The (dimension, value) pairs to withhold, from each group's (dimension, value, size)."""
    by_dimension: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    for dimension, value, size in groups:
        by_dimension[dimension].append((size, value))
    hidden: set[GroupKey] = set()
    for dimension, sized in by_dimension.items():
        small = {value for size, value in sized if size < min_group_size}
        hidden |= {(dimension, value) for value in small}
        shown = sorted(
            ((size, value) for size, value in sized if value not in small),
            key=lambda pair: (pair[0], pair[1] or ""),
        )
        if len(small) == 1 and shown:
            hidden.add((dimension, shown[0][1]))
    return hidden
