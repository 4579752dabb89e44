"""Request bodies, and the rows a REST test needs, made through the API itself."""

import uuid
from typing import Any

import httpx

from domain.kernel.access import Principal
from domain.organisation import organisation_service as organisation
from domain.organisation.organisation import School, SchoolType
from tests.factories import World, make_upn, make_urn

PUPILS = "/api/v1/pupils"
JUDGEMENTS = "/api/v1/judgements"


def pupil_body(school_id: uuid.UUID | str, /, **changes: Any) -> dict[str, Any]:
    """A valid pupil for POST /pupils, with a fresh UPN; `changes` replace fields."""
    body: dict[str, Any] = {
        "school_id": str(school_id),
        "forename": "Dara",
        "surname": "Quinn",
        "date_of_birth": "2012-03-14",
        "gender": "M",
        "year_group": "7",
        "upn": make_upn(),
        "pathway": "semi-formal",
        "characteristics": [],
        "enrolments": [{"joined_on": "2022-09-01"}],
    }
    return {**body, **changes}


async def enrol(
    client: httpx.AsyncClient,
    world: World,
    school_id: uuid.UUID | None = None,
    who: str = "school_admin",
    **changes: Any,
) -> dict[str, Any]:
    """A new pupil (in the world's `school` unless told), as the API returned it."""
    body = pupil_body(school_id or world.school.id, **changes)
    response = await client.post(PUPILS, headers=world.headers(who), json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def new_school(world: World, name: str = "Brook Special") -> School:
    """Another school in the world's trust, for lists that must hold only this test's rows.

    Only trust roles see it: the other tokens are scoped to the world's two schools.
    """
    return await organisation.create_school(
        world.runtime.system_uow(),
        Principal.system(),
        organisation.CreateSchool(world.trust.id, make_urn(), name, SchoolType.SPECIAL),
    )


def judgement_body(
    world: World,
    pupil_id: str,
    /,
    module: int = 0,
    strand: int = 0,
    step: str = "S2",
    **changes: Any,
) -> dict[str, Any]:
    """A judgement of the world's framework: `module` and `strand` index the world's lists."""
    body: dict[str, Any] = {
        "pupil_id": pupil_id,
        "strand_id": str(world.framework.strands[strand].id),
        "module_id": str(world.modules[module].id),
        "step_id": world.step(step),
    }
    return {**body, **changes}


async def record(
    client: httpx.AsyncClient,
    world: World,
    pupil_id: str,
    who: str = "teacher",
    **body_changes: Any,
) -> dict[str, Any]:
    """Record a judgement (see `judgement_body`), as the API returned it."""
    response = await client.post(
        JUDGEMENTS, headers=world.headers(who), json=judgement_body(world, pupil_id, **body_changes)
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def if_match(world: World, who: str, version: int | str) -> dict[str, str]:
    """`who`'s headers with If-Match for `version` (an int, or an ETag as the API sent it)."""
    tag = version if isinstance(version, str) else f'"{version}"'
    return {**world.headers(who), "If-Match": tag}
