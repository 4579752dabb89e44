"""`stepwise schema`: the API's contracts as text, for clients and reviewers (no database)."""

import json

import typer

from api.app import create_app
from api.graphql.schema import sdl
from api.settings import ApiSettings

schema = typer.Typer(help="Print the API's schemas (no database needed).")


@schema.command("graphql")
def graphql_command() -> None:
    """Print the GraphQL schema as SDL (the same text as schema.graphql)."""
    typer.echo(sdl(), nl=False)


@schema.command("openapi")
def openapi_command() -> None:
    """Print the REST API's OpenAPI document as JSON."""
    document = create_app(ApiSettings()).openapi()
    typer.echo(json.dumps(document, indent=2))
