"""The committed schema.graphql is the schema the code serves, so clients can rely on it."""

import difflib
from pathlib import Path

from api.graphql.schema import sdl

COMMITTED = Path(__file__).resolve().parents[2] / "schema.graphql"

ONE_LINER = "from api.graphql.schema import sdl; open('schema.graphql', 'w').write(sdl())"
REGENERATE = (
    "schema.graphql is out of date with api/graphql. From the repository root, regenerate it with\n"
    "    stepwise schema graphql > schema.graphql\n"
    f'or  python -c "{ONE_LINER}"\n'
    "and review the diff (a removed or changed field breaks clients):\n"
)


def test_committed_schema_graphql_matches_the_served_schema() -> None:
    committed = COMMITTED.read_text(encoding="utf-8")
    served = sdl()

    drift = "".join(
        difflib.unified_diff(
            committed.splitlines(keepends=True),
            served.splitlines(keepends=True),
            fromfile="schema.graphql (committed)",
            tofile="api.graphql.schema.sdl()",
        )
    )
    assert committed == served, REGENERATE + drift
