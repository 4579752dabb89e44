"""`stepwise serve`: the REST and GraphQL API on one uvicorn server."""

from typing import Annotated

import typer
import uvicorn

from api.app import create_app
from api.settings import ApiSettings
from cli.database import masked, migrated, pinned
from cli.failures import reported

#: how long a shutdown waits for requests in flight
GRACEFUL_SHUTDOWN_SECONDS = 30


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
        # before uvicorn's loop starts: Alembic's environment runs its own asyncio.run
        url = migrated(settings)
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
