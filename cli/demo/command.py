"""`stepwise demo`: load the Weald & Downs Learning Trust, once.

A second run finds the trust by name and changes nothing. There is no delete
path for pupils' records in the use cases (by design), so `--reset` does not
delete: it explains how to start again from an empty database.
"""

import time
from dataclasses import dataclass
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from api.settings import ApiSettings
from cli.accounts import every_user
from cli.columns import columns
from cli.database import Operator, masked, run
from cli.demo.accounts import ACCOUNTS, CLIENT_NAME
from cli.demo.loader import Loaded, Loader
from cli.demo.schools import TRUST_NAME
from cli.failures import fail
from cli.organisation import trust_named
from domain.kernel.clock import SYSTEM_CLOCK
from domain.organisation.organisation import Trust


@dataclass(frozen=True, slots=True)
class Found:
    """The demo trust was already there; `complete` when its accounts (written last) exist."""

    trust: Trust
    complete: bool


class ProgressReport:
    """The loader's phases as rich progress bars, shown only once loading starts."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("{task.description:<30}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        self.task: TaskID | None = None

    def begin(self, phase: str, total: int) -> None:
        if self.task is None:
            self.progress.start()
        self.task = self.progress.add_task(phase, total=total)

    def advance(self, count: int = 1) -> None:
        if self.task is not None:
            self.progress.advance(self.task, count)

    def close(self) -> None:
        if self.task is not None:
            self.progress.stop()


def demo_command(
    reset: Annotated[
        bool,
        typer.Option(
            "--reset", help="On a loaded demo: explain how to start again (nothing is deleted)."
        ),
    ] = False,
) -> None:
    """Load a realistic demo trust: three schools, ~140 pupils, three years of judgements,
    targets, EHCP outcomes, leavers' destinations and one sign-in per role."""
    settings = ApiSettings()
    started = time.monotonic()
    report = ProgressReport()

    async def work(op: Operator) -> Found | Loaded:
        existing = await trust_named(op, TRUST_NAME)
        if existing is not None:
            emails = {user.email for user in await every_user(op)}
            return Found(existing, complete=ACCOUNTS[-1].email in emails)
        loader = Loader(op, report, SYSTEM_CLOCK.today(), SYSTEM_CLOCK.now())
        return await loader.load()

    try:
        outcome = run(work)
    finally:
        report.close()
    if isinstance(outcome, Found):
        _already_loaded(outcome, reset, settings)
        return
    typer.echo(f"Loaded {TRUST_NAME} in {time.monotonic() - started:.1f} s:")
    typer.echo(columns(["rows", "written"], [[k, str(n)] for k, n in outcome.counts.items()]))
    _print_accounts()
    typer.echo("")
    typer.echo(f"Integration client {CLIENT_NAME}:")
    typer.echo(f"  client_id:     {outcome.client.client.client_id}")
    typer.echo(f"  client_secret: {outcome.client.secret}")
    typer.secho(
        "Copy the secret now: Stepwise keeps only its hash and cannot show it again.",
        fg=typer.colors.YELLOW,
    )
    typer.echo("\nNext: `stepwise serve`, then sign in at http://127.0.0.1:8000/docs")


def _already_loaded(found: Found, reset: bool, settings: ApiSettings) -> None:
    if not found.complete:
        raise fail(
            f"The demo trust {TRUST_NAME} exists but its load did not finish.",
            *_fresh_start(settings),
        )
    if reset:
        raise fail(
            "--reset does not delete: Stepwise keeps pupils' records and their history, and",
            "has no operation that removes a trust with everything under it.",
            *_fresh_start(settings),
        )
    typer.echo(
        f"The demo trust {TRUST_NAME} is already loaded (id {found.trust.id}); nothing to do."
    )
    _print_accounts()


def _fresh_start(settings: ApiSettings) -> list[str]:
    """How to get an empty database to load the demo into."""
    if settings.database.url:
        where = masked(settings.database.url)
        return [
            f"To start again, drop and re-create the database at {where} (or point",
            "DATABASE_URL at an empty one) and run `stepwise demo`.",
        ]
    pgdata = settings.database.data_dir / "pgdata"
    return [
        "To start again, stop `stepwise serve`, remove the embedded database and load again:",
        f"  rm -rf '{pgdata}'",
        "  stepwise demo",
    ]


def _print_accounts() -> None:
    typer.echo("\nDemo sign-ins (public passwords: never use the demo for real pupils):")
    rows = [
        [a.email, a.password, a.role.value, a.school.name if a.school else TRUST_NAME]
        for a in ACCOUNTS
    ]
    typer.echo(columns(["email", "password", "role", "scope"], rows))
