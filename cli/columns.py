"""Plain aligned columns: readable in a terminal, intact in a pipe or a log, never wrapped."""

from collections.abc import Sequence


def columns(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """`rows` under `headers`, each column as wide as its widest cell."""
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]
    rule = ["-" * w for w in widths]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (headers, rule, *rows)
    ]
    return "\n".join(lines)
