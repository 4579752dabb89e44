"""`stepwise migrate`: move the database to a revision (the latest by default) or back."""

from typing import Annotated

import typer

from api.settings import ApiSettings
from cli.database import masked, resolved
from cli.failures import reported
from persistence import migrate as migrations


def migrate_command(
    revision: Annotated[
        str | None, typer.Option(help="Upgrade to this revision [default: head].")
    ] = None,
    downgrade: Annotated[
        str | None, typer.Option(help="Downgrade to this revision instead (e.g. base).")
    ] = None,
) -> None:
    """Upgrade the database to --revision (the latest by default), or downgrade it."""
    if revision is not None and downgrade is not None:
        raise typer.BadParameter(
            "give --revision or --downgrade, not both", param_hint="--downgrade"
        )
    with reported():
        url = resolved(ApiSettings())
        if downgrade is not None:
            migrations.downgrade(url, downgrade)
            typer.echo(f"Downgraded {masked(url)} to {downgrade}")
        else:
            migrations.upgrade(url, revision or "head")
            typer.echo(f"Upgraded {masked(url)} to {revision or 'head'}")
