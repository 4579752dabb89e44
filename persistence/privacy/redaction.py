"""A pupil's identifiers taken out of stored free text (import reports), keeping its shape.

Import reports quote the cells they refused ("MIS id 'A17' is another pupil's (not UPN
...)"), so a report kept for idempotent retries can name a pupil after they are erased.
Only string values are rewritten, never keys or numbers, so the report still reads back.
"""

import re
from typing import Any

ERASED = "[erased]"
#: identifiers this long are replaced wherever they appear; shorter ones only when quoted,
#: as refused cells are ('77'), so a line number 77 is left alone
_BARE_MIN = 6


def identifier_pattern(identifiers: list[str]) -> re.Pattern[str] | None:
    parts = []
    for word in sorted({w for w in identifiers if w}, key=len, reverse=True):
        escaped = re.escape(word)
        parts.append(escaped if len(word) >= _BARE_MIN else f"(?<=')({escaped})(?=')")
    return re.compile("|".join(parts)) if parts else None


def redacted(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [redacted(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: redacted(v, pattern) for k, v in value.items()}
    return value
