"""`stepwise export RESOURCE`: stream an export from the API to a file or stdout.

The body is written as it arrives, never held whole. To a file, it is written beside it
under a `.part` name and renamed at the end, so an interrupted export never passes for a
complete one.
"""

import enum
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, BinaryIO

import typer
from rich.console import Console
from rich.progress import DownloadColumn, Progress, SpinnerColumn, TextColumn, TransferSpeedColumn

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
)
from stepwise_client import ExportSummary


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    NDJSON = "ndjson"


@contextmanager
def destination(output: Path | None) -> Iterator[BinaryIO]:
    """stdout, or `output` once complete (written as `output.part` until then)."""
    if output is None:
        yield typer.get_binary_stream("stdout")
        return
    partial = output.with_name(output.name + ".part")
    try:
        with partial.open("wb") as file:
            yield file
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)


def rows_in(summary: ExportSummary, format: ExportFormat) -> int:
    """Records written: lines, less a CSV file's header."""
    if format is ExportFormat.CSV:
        return max(summary.lines - 1, 0)
    return summary.lines


def export_command(
    resource: Annotated[str, typer.Argument(help="What to export, e.g. judgements or pupils.")],
    school: Annotated[str | None, typer.Option(help="One school, by URN or id...")] = None,
    trust: Annotated[
        uuid.UUID | None, typer.Option(help="...or every school of a trust (its id).")
    ] = None,
    format: Annotated[ExportFormat, typer.Option(help="csv or ndjson.")] = ExportFormat.CSV,
    academic_year: Annotated[str | None, typer.Option(help="e.g. 2024/25.")] = None,
    module: Annotated[
        int | None, typer.Option(help="The module number (with --academic-year).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only rows dated on or after this day (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only rows dated on or before this day (YYYY-MM-DD).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", dir_okay=False, help="File to write (default: stdout)"),
    ] = None,
    url: Url = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    token: Token = None,
    username: Username = None,
    password: Password = None,
    retries: Retries = 5,
) -> None:
    """Export a resource for one school or a whole trust, as CSV or NDJSON."""
    if (school is None) == (trust is None):
        raise typer.BadParameter("give one of --school or --trust", param_hint="--school")
    connection = Connection(url, client_id, client_secret, token, username, password, retries)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=Console(stderr=True),
    )
    with connection.open() as api, reported(connection), progress:
        task = progress.add_task(f"Exporting {resource}", total=None)

        def received(summary: ExportSummary) -> None:
            progress.update(
                task,
                completed=summary.size,
                description=f"Exporting {resource}: {rows_in(summary, format)} rows",
            )

        with destination(output) as out:
            summary = api.export(
                resource,
                out,
                format=format.value,
                school=school,
                trust_id=trust,
                academic_year=academic_year,
                module=module,
                since=since,
                until=until,
                on_progress=received,
            )
    where = output if output is not None else "stdout"
    typer.echo(
        f"Exported {rows_in(summary, format)} {resource} row(s) ({summary.size} bytes) to {where}",
        err=True,
    )
