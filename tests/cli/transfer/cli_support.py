"""Running `stepwise import|export|sync` in-process against the live server."""

from collections.abc import Callable

from typer.testing import CliRunner, Result

from cli.main import app
from tests.factories import World

Command = Callable[..., Result]


def command_for(api_url: str, world: World) -> Command:
    """`stepwise ARGS...` signed in as the world's integration client (from the environment,
    as an MIS job would be configured)."""
    env = {
        "STEPWISE_URL": api_url,
        "STEPWISE_CLIENT_ID": world.client_id,
        "STEPWISE_CLIENT_SECRET": world.client_secret,
        "STEPWISE_TOKEN": None,
        "STEPWISE_USERNAME": None,
        "STEPWISE_PASSWORD": None,
    }

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(app, list(args), env=env)

    return invoke
