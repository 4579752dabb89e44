"""`stepwise serve`: the REST and GraphQL API on one uvicorn server."""

from typing import Annotated

import typer
import uvicorn

from api.app import create_app
from api.identity.keys import refuse_unsafe_production
from api.settings import ApiSettings
from cli.database import masked, migrated, on, pinned
from cli.demo.published import published_demo_accounts
from cli.failures import fail, reported

#: how long a shutdown waits for requests in flight
GRACEFUL_SHUTDOWN_SECONDS = 30


def _warn_demo(published: list[str]) -> None:
    rule = "!" * 78
    for line in (
        rule,
        "!! THIS IS A DEMO DATABASE: anyone can sign in to it with the published passwords",
        f"!! of {len(published)} demo accounts ({published[0]}, ...).",
        "!! Never put real pupils' data in it. (With STEPWISE_ENV=production this server",
        "!! would refuse to start.)",
        rule,
    ):
        typer.secho(line, err=True, fg=typer.colors.RED, bold=True)


def serve_command(
    host: Annotated[
        str | None,
        typer.Option(help="Interface to listen on [default: STEPWISE_HOST or 127.0.0.1]"),
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on [default: STEPWISE_PORT or 8000]")
    ] = None,
) -> None:
    """Migrate the database, then serve the API until interrupted."""
    settings = ApiSettings()
    with reported():
        refuse_unsafe_production(settings)
        # before uvicorn's loop starts: Alembic's environment runs its own asyncio.run
        url = migrated(settings)
        published = on(url, settings, published_demo_accounts)
    if published and settings.production:
        raise fail(
            "Refusing to serve in production: these demo accounts still sign in with the"
            " passwords the README publishes:",
            *(f"  {email}" for email in published),
            "Deactivate them (stepwise users deactivate EMAIL) or give them new passwords"
            " (stepwise users reset-password EMAIL).",
        )
    if published:
        _warn_demo(published)
    # already migrated above, where a failure is reported readably
    settings = pinned(settings, url).model_copy(update={"migrate_on_start": False})
    host = settings.host if host is None else host
    port = settings.port if port is None else port
    base = f"http://{host}:{port}"
    typer.echo(f"Stepwise serving on {base}")
    typer.echo(f"  REST docs: {base}/docs")
    typer.echo(f"  GraphQL:   {base}/graphql")
    typer.echo(f"  Database:  {masked(url)}")
    # stop within this when asked to (SIGTERM, Ctrl-C), even with requests in flight: a GraphQL
    # operation is stopped at its own limit well before, a long export is cut off
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="info",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
