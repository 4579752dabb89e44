"""`stepwise trusts` and `stepwise schools`: the tenancy tree an operator sets up first.

Trusts are created only here (no token may create a tenant). Commands name a
trust by id or exact name, and a school by id or URN, the way staff know them.
"""

import uuid
from typing import Annotated

import typer

from cli.database import Operator, run
from domain.kernel.errors import NotFound
from domain.kernel.paging import MAX_LIMIT, PageRequest
from domain.organisation.organisation import School, SchoolType, Trust, TrustKind
from domain.organisation.organisation_service import (
    CreateSchool,
    CreateTrust,
    create_school,
    create_trust,
    get_school,
    get_trust,
    list_schools,
    list_trusts,
)
from domain.organisation.ports import SchoolFilter

trusts = typer.Typer(help="Trusts: the MATs, local authorities and federations above schools.")
schools = typer.Typer(help="Schools: each is a tenant whose pupils only its staff and trust see.")


def _as_id(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


async def every_trust(op: Operator) -> list[Trust]:
    found: list[Trust] = []
    after: uuid.UUID | None = None
    while True:
        page = await list_trusts(op.uow(), op.actor, PageRequest(MAX_LIMIT, after))
        found += page.items
        if (after := page.next_after) is None:
            return found


async def every_school(op: Operator) -> list[School]:
    found: list[School] = []
    after: uuid.UUID | None = None
    while True:
        page = await list_schools(op.uow(), op.actor, SchoolFilter(), PageRequest(MAX_LIMIT, after))
        found += page.items
        if (after := page.next_after) is None:
            return found


async def trust_named(op: Operator, name: str) -> Trust | None:
    """The trust with exactly this name; a name used twice must be given as an id instead."""
    matches = [t for t in await every_trust(op) if t.name == name.strip()]
    if len(matches) > 1:
        ids = ", ".join(str(t.id) for t in matches)
        raise typer.BadParameter(f"several trusts are called {name!r}; give one id of: {ids}")
    return matches[0] if matches else None


async def find_trust(op: Operator, key: str) -> Trust:
    """A trust by id or by exact name."""
    if (trust_id := _as_id(key)) is not None:
        return await get_trust(op.uow(), op.actor, trust_id)
    if (found := await trust_named(op, key)) is None:
        raise NotFound("trust", key)
    return found


async def find_school(op: Operator, key: str) -> School:
    """A school by id or by URN."""
    if (school_id := _as_id(key)) is not None:
        return await get_school(op.uow(), op.actor, school_id)
    found = next((s for s in await every_school(op) if s.urn == key.strip()), None)
    if found is None:
        raise NotFound("school", key)
    return found


@trusts.command("create")
def create_trust_command(
    name: Annotated[str, typer.Option(help="The trust's name as staff know it.")],
    kind: Annotated[TrustKind, typer.Option(help="What kind of body the trust is.")] = (
        TrustKind.MULTI_ACADEMY_TRUST
    ),
) -> None:
    """Create a trust (only the operator can: tokens never create tenants)."""

    async def work(op: Operator) -> Trust:
        return await create_trust(op.uow(), op.actor, CreateTrust(name, kind))

    trust = run(work)
    typer.echo(f"Created trust {trust.name} ({trust.kind.value})")
    typer.echo(f"  id: {trust.id}")


@schools.command("create")
def create_school_command(
    trust: Annotated[str, typer.Option(help="The trust's id or exact name.")],
    urn: Annotated[str, typer.Option(help="The school's six-digit URN, e.g. 118956.")],
    name: Annotated[str, typer.Option(help="The school's name.")],
    school_type: Annotated[
        SchoolType,
        typer.Option("--type", help="special, ap (alternative provision or PRU), or mainstream."),
    ],
) -> None:
    """Add a school to a trust."""

    async def work(op: Operator) -> tuple[Trust, School]:
        owner = await find_trust(op, trust)
        made = await create_school(
            op.uow(), op.actor, CreateSchool(owner.id, urn, name, school_type)
        )
        return owner, made

    owner, school = run(work)
    typer.echo(f"Created school {school.name} (URN {school.urn}, {school.type.value})")
    typer.echo(f"  in trust: {owner.name}")
    typer.echo(f"  id: {school.id}")
