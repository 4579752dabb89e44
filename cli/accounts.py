"""`stepwise users` and `stepwise clients`: who may sign in, and with what scope.

Staff sign in with email and password; integration clients (an MIS sync, say)
with a client id and secret. The secret is shown once: only its hash is kept.
"""

import uuid
from datetime import datetime
from typing import Annotated

import typer

from cli.columns import columns
from cli.database import Operator, run
from cli.organisation import every_school, every_trust, find_school, find_trust
from domain.identity.identity import IntegrationClient, User
from domain.identity.identity_service import (
    CreateClient,
    CreateUser,
    IssuedClient,
    create_client,
    create_user,
    list_clients,
    list_users,
    revoke_client,
)
from domain.kernel.access import Permission, Role
from domain.kernel.paging import MAX_LIMIT, PageRequest

users = typer.Typer(help="Staff accounts that sign in with an email and a password.")
clients = typer.Typer(help="Integration clients: machine credentials for an MIS or other system.")


async def scope_of(
    op: Operator, trust: str | None, schools: list[str]
) -> tuple[uuid.UUID | None, frozenset[uuid.UUID]]:
    """The trust id and school ids named on the command line (by name, URN or id)."""
    trust_id = (await find_trust(op, trust)).id if trust is not None else None
    school_ids = frozenset([(await find_school(op, key)).id for key in schools])
    return trust_id, school_ids


async def every_user(op: Operator) -> list[User]:
    found: list[User] = []
    after: uuid.UUID | None = None
    while True:
        page = await list_users(op.uow(), op.actor, PageRequest(MAX_LIMIT, after))
        found += page.items
        if (after := page.next_after) is None:
            return found


@users.command("create")
def create_user_command(
    email: Annotated[str, typer.Option(help="The address staff sign in with.")],
    name: Annotated[str, typer.Option(help="Full name, shown as the assessor on judgements.")],
    role: Annotated[
        Role, typer.Option(help="trust_admin, trust_analyst, school_admin or teacher.")
    ],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="At least 10 characters; asked for (hidden) when not given.",
        ),
    ],
    trust: Annotated[
        str | None, typer.Option(help="For trust roles: the trust's id or exact name.")
    ] = None,
    school: Annotated[
        list[str] | None,
        typer.Option(help="For school roles: a school's URN or id; repeat for several."),
    ] = None,
) -> None:
    """Create a staff account scoped to a trust (trust roles) or to schools (school roles)."""
    schools = school or []
    if role.is_trust_role and schools:
        raise typer.BadParameter(
            "trust roles see every school of their trust", param_hint="--school"
        )
    if not role.is_trust_role and trust is not None:
        raise typer.BadParameter("only trust roles belong to a trust", param_hint="--trust")

    async def work(op: Operator) -> User:
        trust_id, school_ids = await scope_of(op, trust, schools)
        command = CreateUser(email, name, role, password, trust_id, school_ids)
        return await create_user(op.uow(), op.actor, command, op.hasher)

    user = run(work)
    typer.echo(f"Created {user.role.value} {user.name} <{user.email}>")
    typer.echo(f"  id: {user.id}")


@users.command("list")
def list_users_command() -> None:
    """List every staff account with its role and scope."""

    async def work(op: Operator) -> list[list[str]]:
        trust_names = {t.id: t.name for t in await every_trust(op)}
        school_names = {s.id: s.name for s in await every_school(op)}
        return [
            [
                user.email,
                user.name,
                user.role.value,
                trust_names.get(user.trust_id, "?")
                if user.trust_id
                else ", ".join(sorted(school_names.get(s, "?") for s in user.school_ids)),
                "yes" if user.active else "no",
            ]
            for user in await every_user(op)
        ]

    rows = run(work)
    if not rows:
        typer.echo("No users yet: create one with `stepwise users create`.")
        return
    typer.echo(columns(["email", "name", "role", "scope", "active"], rows))


@clients.command("create")
def create_client_command(
    name: Annotated[str, typer.Option(help="What the client is, e.g. 'MIS sync'.")],
    permission: Annotated[
        list[Permission],
        typer.Option(help="A permission to grant; repeat for several (no admin permissions)."),
    ],
    trust: Annotated[
        str | None, typer.Option(help="Scope the client to this trust (id or exact name)...")
    ] = None,
    school: Annotated[
        list[str] | None,
        typer.Option(help="...or to these schools (URN or id); repeat for several."),
    ] = None,
) -> None:
    """Issue client credentials. The secret is printed once and never stored."""

    async def work(op: Operator) -> IssuedClient:
        trust_id, school_ids = await scope_of(op, trust, school or [])
        command = CreateClient(name, frozenset(permission), trust_id, school_ids)
        return await create_client(op.uow(), op.actor, command, op.hasher)

    issued = run(work)
    granted = ", ".join(sorted(p.value for p in issued.client.permissions))
    typer.echo(f"Created integration client {issued.client.name} ({granted})")
    typer.echo(f"  client_id:     {issued.client.client_id}")
    typer.echo(f"  client_secret: {issued.secret}")
    typer.secho(
        "Copy the secret now: Stepwise keeps only its hash and cannot show it again.",
        fg=typer.colors.YELLOW,
    )


async def every_client(op: Operator) -> list[IntegrationClient]:
    found: list[IntegrationClient] = []
    after: uuid.UUID | None = None
    while True:
        page = await list_clients(op.uow(), op.actor, PageRequest(MAX_LIMIT, after))
        found += page.items
        if (after := page.next_after) is None:
            return found


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


@clients.command("list")
def list_clients_command() -> None:
    """List every integration client with its permissions, scope and last use (never secrets)."""

    async def work(op: Operator) -> list[list[str]]:
        trust_names = {t.id: t.name for t in await every_trust(op)}
        school_names = {s.id: s.name for s in await every_school(op)}
        return [
            [
                client.client_id,
                client.name,
                ", ".join(sorted(p.value for p in client.permissions)),
                trust_names.get(client.trust_id, "?")
                if client.trust_id
                else ", ".join(sorted(school_names.get(s, "?") for s in client.school_ids)),
                _when(client.created_at),
                _when(client.last_used_at),
                _when(client.revoked_at),
            ]
            for client in await every_client(op)
        ]

    rows = run(work)
    if not rows:
        typer.echo("No integration clients yet: create one with `stepwise clients create`.")
        return
    headings = ["client_id", "name", "permissions", "scope", "created", "last used", "revoked"]
    typer.echo(columns(headings, rows))


@clients.command("revoke")
def revoke_client_command(
    client: Annotated[str, typer.Argument(help="The client's client_id (sw_...) or id.")],
) -> None:
    """Revoke a client for good: no new tokens, and the tokens it holds stop working (a running
    server notices within its principal cache time, STEPWISE_AUTH_PRINCIPAL_CACHE_SECONDS)."""

    async def work(op: Operator) -> IntegrationClient:
        try:
            key: uuid.UUID | str = uuid.UUID(client)
        except ValueError:
            key = client
        return await revoke_client(op.uow(), op.actor, key)

    revoked = run(work)
    typer.echo(f"Revoked integration client {revoked.name} ({revoked.client_id})")
    typer.echo(f"  revoked at: {_when(revoked.revoked_at)}")
