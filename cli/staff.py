"""`stepwise users deactivate|reactivate|set-role|reset-password`: offboarding and changes,
as the operator (the same use cases, audit entries and token endings as REST)."""

import secrets
import uuid
from typing import Annotated

import typer

from cli.accounts import scope_of, users
from cli.database import Operator, run
from cli.failures import fail
from domain.identity import account_service as accounts
from domain.identity.identity import User
from domain.kernel.access import Role
from domain.kernel.unset import UNSET


async def _user(op: Operator, key: str) -> User:
    """A user by e-mail address or id."""
    async with op.uow() as uow:
        try:
            found = await uow.users.get(uuid.UUID(key))
        except ValueError:
            found = await uow.users.by_email(key)
    if found is None:
        raise fail(f"no user {key!r}: `stepwise users list` shows them")
    return found


UserKey = Annotated[str, typer.Argument(help="The user's e-mail address or id.")]


@users.command("deactivate")
def deactivate_command(user: UserKey) -> None:
    """Stop an account signing in; every token it holds stops working at once."""

    async def work(op: Operator) -> User:
        found = await _user(op, user)
        return await accounts.set_active(op.uow(), op.actor, found.id, active=False)

    done = run(work)
    typer.echo(f"Deactivated {done.name} <{done.email}>: its tokens no longer work")


@users.command("reactivate")
def reactivate_command(user: UserKey) -> None:
    """Let a deactivated account sign in again."""

    async def work(op: Operator) -> User:
        found = await _user(op, user)
        return await accounts.set_active(op.uow(), op.actor, found.id, active=True)

    done = run(work)
    typer.echo(f"Reactivated {done.name} <{done.email}>")


@users.command("set-role")
def set_role_command(
    user: UserKey,
    role: Annotated[Role, typer.Argument(help="trust_admin, trust_analyst, school_admin, teacher")],
    trust: Annotated[str | None, typer.Option(help="For trust roles: the trust.")] = None,
    school: Annotated[
        list[str] | None, typer.Option(help="For school roles: a school's URN or id; repeat.")
    ] = None,
) -> None:
    """Change an account's role and scope; its tokens end at once."""

    async def work(op: Operator) -> User:
        found = await _user(op, user)
        trust_id, school_ids = await scope_of(op, trust, school or [])
        cmd = accounts.UpdateUser(
            found.id,
            None,
            role=role,
            trust_id=trust_id if trust is not None else UNSET,
            school_ids=school_ids if school else UNSET,
        )
        return await accounts.update_user(op.uow(), op.actor, cmd)

    done = run(work)
    typer.echo(f"{done.name} <{done.email}> is now {done.role.value}: earlier tokens ended")


@users.command("reset-password")
def reset_password_command(
    user: UserKey,
    password: Annotated[
        str | None,
        typer.Option(help="The new password (10+ characters); omitted: one is made and shown."),
    ] = None,
) -> None:
    """Give an account a new password; every token it holds ends at once."""
    chosen = password or secrets.token_urlsafe(12)

    async def work(op: Operator) -> User:
        found = await _user(op, user)
        return await accounts.reset_password(op.uow(), op.actor, found.id, chosen, op.hasher)

    done = run(work)
    typer.echo(f"New password set for {done.name} <{done.email}>; earlier tokens ended")
    if password is None:
        typer.echo(f"  password: {chosen}")
        typer.secho("Pass it on safely; they can change it with POST /users/me/password.",
                    fg=typer.colors.YELLOW)  # fmt: skip
