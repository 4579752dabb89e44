"""Every string a response can carry is classified (tests/api/string_fields.py), and what names
a pupil or is free text never reaches a trust analyst: not in REST, GraphQL, the change feed
or an export. The authorisation matrix reads every analyst's answer against the same table."""

import pytest
from fastapi import FastAPI

from api.graphql.schema import build_schema
from api.integration.records import SHOWN
from domain.integration.exports import columns_of
from domain.integration.records import exported, record_kind
from tests.api.string_fields import FREE_TEXT, IDENTIFYING, STRING_FIELDS
from tests.api.string_walk import blank, declared_string_fields, graphql_strings, response_models

SCHEMA = build_schema()._schema


def test_every_string_field_of_every_answer_is_classified(app: FastAPI) -> None:
    declared = declared_string_fields(app.openapi(), SCHEMA)

    unclassified = sorted(declared - STRING_FIELDS.keys())
    gone = sorted(STRING_FIELDS.keys() - declared)

    assert unclassified == [], "classify these in tests/api/string_fields.py"
    assert gone == [], "these fields are no longer in any answer"


def test_the_change_feeds_items_are_among_the_walked_models(app: FastAPI) -> None:
    walked = response_models(app.openapi())

    assert {kind.out.__name__ for kind in SHOWN.values()} <= walked


@pytest.mark.parametrize("resource", [kind.name for kind in exported()])
def test_an_analysts_export_has_no_identifying_or_free_text_column(resource: str) -> None:
    shown = columns_of(record_kind(resource), pseudonymised=True)

    sensitive = [
        column
        for column in shown
        if STRING_FIELDS.get(f"export:{resource}.{column}") in (IDENTIFYING, FREE_TEXT)
    ]

    assert sensitive == []


def test_the_graphql_walk_names_each_string_by_its_type_and_field() -> None:
    data = {
        "pupil": {
            "forename": "Amira",
            "judgements": {"nodes": [{"note": "", "moderation": {"moderator": None}}]},
        }
    }

    assert list(graphql_strings(SCHEMA, data)) == [
        ("graphql:Pupil.forename", "Amira"),
        ("graphql:Judgement.note", ""),
        ("graphql:Moderation.moderator", None),
    ]
    assert not blank("Amira")
    assert blank(["", None])
