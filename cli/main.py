"""`stepwise`: serve the API, migrate its database, set up trusts, schools and accounts,
load a demo, print the API's schemas, and import, export and sync data over the API."""

import typer

from cli import staff  # noqa: F401 - registers `stepwise users deactivate` and the rest
from cli.accounts import clients, users
from cli.backup import backup_command, backup_key_command, restore_command
from cli.demo.command import demo_command
from cli.migrate import migrate_command
from cli.organisation import schools, trusts
from cli.schema import schema
from cli.serve import serve_command
from cli.transfer.exports import export_command
from cli.transfer.imports import import_command
from cli.transfer.sync import sync_command

app = typer.Typer(
    name="stepwise",
    help=__doc__,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals may hold passwords and secrets
)
app.command("serve")(serve_command)
app.command("backup")(backup_command)
app.command("restore")(restore_command)
app.command("backup-key")(backup_key_command)
app.command("migrate")(migrate_command)
app.command("demo")(demo_command)
app.command("import")(import_command)
app.command("export")(export_command)
app.command("sync")(sync_command)
app.add_typer(trusts, name="trusts", no_args_is_help=True)
app.add_typer(schools, name="schools", no_args_is_help=True)
app.add_typer(users, name="users", no_args_is_help=True)
app.add_typer(clients, name="clients", no_args_is_help=True)
app.add_typer(schema, name="schema", no_args_is_help=True)
