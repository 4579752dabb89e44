"""Where the API is and how to sign in, shared by import, export and sync.

Options default from the environment (STEPWISE_URL, STEPWISE_CLIENT_ID, ...) so that
secrets need not appear on a command line. Expected failures (refused sign-in, an
unreachable server, a refusal) are told in a line or two with exit status 2.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, NoReturn

import typer

from stepwise_client import (
    ApiError,
    AuthenticationFailed,
    ConnectionFailed,
    RetryPolicy,
    SchoolNotFound,
    Stepwise,
    StepwiseError,
)

#: the exit status for usage, sign-in and connection failures (Click's own usage status)
FAILED = 2

_PANEL = "Connection"

Url = Annotated[
    str | None,
    typer.Option(
        envvar="STEPWISE_URL",
        help="The API's base URL, e.g. https://stepwise.example.org.",
        rich_help_panel=_PANEL,
    ),
]
ClientId = Annotated[
    str | None,
    typer.Option(
        envvar="STEPWISE_CLIENT_ID", help="Integration client id.", rich_help_panel=_PANEL
    ),
]
ClientSecret = Annotated[
    str | None,
    typer.Option(
        envvar="STEPWISE_CLIENT_SECRET",
        help="Integration client secret.",
        show_default=False,
        rich_help_panel=_PANEL,
    ),
]
Token = Annotated[
    str | None,
    typer.Option(
        envvar="STEPWISE_TOKEN",
        help="A bearer token instead of a client id and secret.",
        show_default=False,
        rich_help_panel=_PANEL,
    ),
]
Username = Annotated[
    str | None,
    typer.Option(
        envvar="STEPWISE_USERNAME", help="A staff email, to sign in with a password.",
        rich_help_panel=_PANEL,
    ),
]  # fmt: skip
Password = Annotated[
    str | None,
    typer.Option(
        envvar="STEPWISE_PASSWORD", help="The staff password.", show_default=False,
        rich_help_panel=_PANEL,
    ),
]  # fmt: skip
Retries = Annotated[
    int,
    typer.Option(
        min=1, max=20, help="Attempts per request when the connection drops or the server "
        "is busy (502/503/504).", rich_help_panel=_PANEL,
    ),
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Connection:
    url: str | None
    client_id: str | None = None
    client_secret: str | None = None
    token: str | None = None
    username: str | None = None
    password: str | None = None
    retries: int = 5

    def open(self) -> Stepwise:
        """A client for the API; a usage error (exit 2) when the options are incomplete."""
        if not self.url:
            raise typer.BadParameter(
                "give the API's address or set STEPWISE_URL", param_hint="--url"
            )
        try:
            return Stepwise(
                self.url,
                client_id=self.client_id,
                client_secret=self.client_secret,
                username=self.username,
                password=self.password,
                token=self.token,
                retry=RetryPolicy(attempts=self.retries),
            )
        except ValueError:
            raise typer.BadParameter(
                "sign in with --client-id and --client-secret, --username and --password, "
                "or --token (or their STEPWISE_ environment variables)",
                param_hint="--client-id",
            ) from None


def stop(*lines: str, status: int = FAILED) -> NoReturn:
    """Print `lines` to stderr and exit with `status`."""
    for line in lines:
        typer.secho(line, err=True, fg=typer.colors.RED)
    raise typer.Exit(status)


def describe(error: StepwiseError, url: str | None) -> list[str]:
    """What an operator reads for a client error: what happened and what to check."""
    if isinstance(error, ConnectionFailed):
        return [f"Cannot reach Stepwise at {url}: {error}"]
    if isinstance(error, AuthenticationFailed):
        return [f"Sign-in refused: {error.detail or error.title}"]
    if isinstance(error, SchoolNotFound):
        return [f"Not found: {error}"]
    if isinstance(error, ApiError):
        lines = [f"Refused ({error.status} {error.title}): {error.detail or error.title}"]
        lines += [f"  {p.field}: {p.reason}" for p in error.errors]
        if error.correlation_id:
            lines.append(f"  correlation id: {error.correlation_id}")
        return lines
    return [f"Failed: {error}"]


@contextmanager
def reported(connection: Connection) -> Iterator[None]:
    """Client errors as a message and exit status 2, never a traceback."""
    try:
        yield
    except StepwiseError as error:
        stop(*describe(error, connection.url))
