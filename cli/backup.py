"""`stepwise backup`, `stepwise restore` and `stepwise backup-key`: nothing lost.

A backup is a consistent pg_dump archive of the database `serve` uses (the embedded one, or
DATABASE_URL's) with a manifest beside it; `restore` puts one back into an empty database and
checks every table against the manifest (persistence/backups.py). docs/backup.md has the
routine, retention and point-in-time recovery for production servers.
"""

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from api.settings import ApiSettings
from cli.database import masked, resolved
from cli.failures import fail, reported
from persistence.backups import BackupRefused, make_backup, new_key, prune, restore_backup
from persistence.migrate import known_revisions


def _progress(line: str) -> None:
    typer.echo(f"  {line}", err=True)


def backup_command(
    out: Annotated[
        Path, typer.Option(help="Directory the archive and its manifest are written to.")
    ] = Path("backups"),
    keep: Annotated[
        int | None,
        typer.Option(min=1, help="Then delete all but the newest KEEP backups in --out."),
    ] = None,
    recipient: Annotated[
        str | None,
        typer.Option(
            envvar="STEPWISE_BACKUP_RECIPIENT",
            help="Encrypt to this age public key (age1...; `stepwise backup-key` makes one).",
        ),
    ] = None,
) -> None:
    """Back up the database: a consistent archive and a manifest (migration level, checksums)."""
    with reported():
        url = resolved(ApiSettings())
        typer.echo(f"Backing up {masked(url)}", err=True)
        try:
            manifest = asyncio.run(make_backup(url, out, datetime.now(UTC), recipient, _progress))
        except BackupRefused as error:
            raise fail(f"Backup failed: {error}") from error
    typer.echo(f"Backed up to {manifest}")
    if keep is not None:
        for removed in prune(out, keep):
            typer.echo(f"  removed {removed}", err=True)


def restore_command(
    manifest: Annotated[
        Path, typer.Argument(help="The backup's manifest (stepwise-....json).", exists=True)
    ],
    key_file: Annotated[
        Path | None,
        typer.Option(help="The age secret key of an encrypted backup (from backup-key)."),
    ] = None,
) -> None:
    """Restore a backup into an empty database, then check every table against its manifest.
    A damaged, cut-off or newer backup, or a database that is not empty, is refused."""
    with reported():
        url = resolved(ApiSettings())
        typer.echo(f"Restoring into {masked(url)}", err=True)
        try:
            done = asyncio.run(
                restore_backup(url, manifest, known_revisions(), key_file, _progress)
            )
        except BackupRefused as error:
            raise fail(f"Restore refused: {error}") from error
    typer.echo(
        f"Restored {done.tables} tables, {done.rows:,} rows, at migration {done.migration};"
        " every table matches the manifest"
    )


def backup_key_command(
    out: Annotated[Path, typer.Option(help="Where to write the secret key (mode 0600).")],
) -> None:
    """Make a key pair for encrypted backups: keep the secret key away from the server; give
    the server only the public key (STEPWISE_BACKUP_RECIPIENT)."""
    if out.exists():
        raise fail(f"{out} exists: a key is never overwritten")
    secret, public = new_key()
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(f"# public key: {public}\n{secret}\n")
    typer.echo(f"Secret key written to {out}: keep it safe, away from the server.")
    typer.echo(f"Public key (for --recipient / STEPWISE_BACKUP_RECIPIENT): {public}")
