"""`stepwise sync --state FILE --out DIR`: keep a local copy current from the change feed.

DIR holds one NDJSON file per resource with each row's latest state (deleted rows are
removed); FILE holds the cursor, saved after each page is applied, so an interrupted sync
resumes where it stopped. Without --follow it stops once caught up.
"""

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from cli.transfer.connection import (
    ClientId,
    ClientSecret,
    Connection,
    Password,
    Retries,
    Token,
    Url,
    Username,
    reported,
    stop,
)
from cli.transfer.mirror import Mirror, MirrorProblem, SyncState
from stepwise_client import ChangePage, Stepwise


def sync_command(
    state: Annotated[
        Path,
        typer.Option(dir_okay=False, help="Where the cursor is kept (absent: from the start)."),
    ],
    out: Annotated[
        Path, typer.Option(file_okay=False, help="Directory of one NDJSON file per resource.")
    ],
    resource: Annotated[
        list[str] | None,
        typer.Option(help="Only this resource's changes; repeat for several (default: all)"),
    ] = None,
    school: Annotated[str | None, typer.Option(help="Only this school's (URN or id).")] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Changes per page (default: the server's)")
    ] = None,
    follow: Annotated[
        bool, typer.Option("--follow", help="Keep polling for changes until interrupted.")
    ] = False,
    interval: Annotated[
        float, typer.Option(min=0.1, help="Seconds between polls with --follow.")
    ] = 30.0,
    url: Url = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    token: Token = None,
    username: Username = None,
    password: Password = None,
    retries: Retries = 5,
) -> None:
    """Apply the change feed to local NDJSON files, resuming from the saved cursor."""
    saved, mirror = SyncState(state), Mirror(out)
    connection = Connection(url, client_id, client_secret, token, username, password, retries)
    try:
        cursor = saved.load()
        with connection.open() as api, reported(connection):
            school_id = api.school(school).id if school else None
            pages = _pages(api, cursor, resource or [], school_id, limit, follow, interval)
            applied = 0
            for page in pages:
                done = mirror.apply(page.changes)
                saved.save(page.next_cursor)
                applied += len(page.changes)
                if page.changes:
                    typer.echo(
                        f"Applied {len(page.changes)} change(s): {done.upserts} upserted, "
                        f"{done.deletes} deleted",
                        err=True,
                    )
    except MirrorProblem as error:
        stop(str(error))
    except KeyboardInterrupt:
        typer.echo("Stopped; the cursor of the last applied page is saved.", err=True)
        return
    typer.echo(f"Up to date: {applied} change(s) applied to {out}; cursor saved in {state}")


def _pages(
    api: Stepwise,
    cursor: str | None,
    resources: list[str],
    school_id: uuid.UUID | None,
    limit: int | None,
    follow: bool,
    interval: float,
) -> Iterator[ChangePage]:
    if follow:
        return api.follow(
            cursor, interval=interval, resources=resources, school_id=school_id, limit=limit
        )
    return api.changes(cursor, resources=resources, school_id=school_id, limit=limit)
