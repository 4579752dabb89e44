"""`stepwise import FILE --school URN`: send an MIS export to the API, with a progress bar
and a report of every rejected row.

Exit status: 0 when every row was imported (or, with --validate, is valid); 1 when rows
were rejected; 2 for usage, sign-in and connection failures.
"""

import enum
import re
import uuid
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

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
from cli.transfer.report import rejections, summary
from stepwise_client import ImportReport, Stepwise

#: what an import file can hold, for telling it from the file's name
IMPORTABLE = (
    "judgements",
    "pupils",
    "targets",
    "attendance",
    "destinations",
    "qualifications",
)


class FileFormat(enum.StrEnum):
    CSV = "csv"
    NDJSON = "ndjson"


CONTENT_TYPES = {FileFormat.CSV: "text/csv", FileFormat.NDJSON: "application/x-ndjson"}


def inferred_resource(file: Path) -> str | None:
    """The resource a file's name announces ('judgements-2024.csv', 'SIMS_pupils.ndjson')."""
    words = {w for w in re.split(r"[^a-z]+", file.stem.lower()) if w}
    found = {r for r in IMPORTABLE if r in words or r.removesuffix("s") in words}
    return found.pop() if len(found) == 1 else None


def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="A CSV (UTF-8) or NDJSON file."
        ),
    ],
    school: Annotated[str, typer.Option(help="The school's URN or id.")],
    resource: Annotated[
        str | None,
        typer.Option(
            help=f"What the file holds ({', '.join(IMPORTABLE)}) (default: from the file name)"
        ),
    ] = None,
    validate: Annotated[
        bool, typer.Option("--validate", help="Check every row and report; write nothing.")
    ] = False,
    atomic: Annotated[
        bool,
        typer.Option(
            help="All or nothing: one rejected row means nothing is written. "
            "--no-atomic writes the good rows and lists the bad."
        ),
    ] = True,
    idempotency_key: Annotated[
        str | None,
        typer.Option(
            help="Repeat a key to retry an import safely: the server answers with the first "
            "import's report and writes nothing again (default: a new key)"
        ),
    ] = None,
    file_format: Annotated[
        FileFormat | None,
        typer.Option("--format", help="csv or ndjson (default: from the file's extension)"),
    ] = None,
    url: Url = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    token: Token = None,
    username: Username = None,
    password: Password = None,
    retries: Retries = 5,
) -> None:
    """Import a CSV or NDJSON export (from an MIS or a spreadsheet) into one school."""
    resource = resource or inferred_resource(file)
    if resource is None:
        raise typer.BadParameter(
            f"cannot tell what {file.name} holds from its name; name it", param_hint="--resource"
        )
    content_type = CONTENT_TYPES[file_format] if file_format else None
    connection = Connection(url, client_id, client_secret, token, username, password, retries)
    with connection.open() as api, reported(connection):
        found = api.school(school)
        try:
            report = _send(api, file, resource, found.id, content_type, validate, atomic,
                           idempotency_key)  # fmt: skip
        except ValueError as error:  # a file the client cannot classify
            raise typer.BadParameter(str(error), param_hint="--format") from None
    typer.echo(f"{file.name} → {found.name} (URN {found.urn}), {report.resource}")
    for line in summary(report) + rejections(report):
        typer.echo(line)
    raise typer.Exit(0 if report.clean else 1)


def _send(
    api: Stepwise,
    file: Path,
    resource: str,
    school_id: uuid.UUID,
    content_type: str | None,
    validate: bool,
    atomic: bool,
    idempotency_key: str | None,
) -> ImportReport:
    """The import, with a progress bar on stderr while the file uploads."""
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    with progress:
        size = file.stat().st_size
        task = progress.add_task(f"Sending {file.name}", total=size)

        def sent(count: int) -> None:
            progress.update(task, completed=count)
            if count >= size:
                progress.update(task, description="Checking rows")

        report = api.import_file(
            resource,
            file,
            school=school_id,
            mode="validate" if validate else "commit",
            atomic=atomic,
            idempotency_key=idempotency_key,
            content_type=content_type,
            on_progress=sent,
        )
        progress.update(task, description=f"Sent {file.name}", completed=size)
        return report
