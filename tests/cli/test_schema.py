"""`stepwise schema`: the API's contracts, printed without a database."""

import json

import pytest

from api.graphql.schema import sdl
from tests.cli.conftest import Stepwise

NOWHERE = "postgresql://nobody@127.0.0.1:1/nothing"  # nothing listens on port 1


def test_graphql_prints_the_sdl(stepwise: Stepwise) -> None:
    result = stepwise("schema", "graphql")

    assert result.exit_code == 0, result.output
    assert result.output == sdl()
    assert "type Query" in result.output


def test_openapi_prints_the_document_without_touching_the_database(
    stepwise: Stepwise, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", NOWHERE)

    result = stepwise("schema", "openapi")

    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["info"]["title"] == "Stepwise"
    assert "/api/v1/auth/token" in document["paths"]
