"""Judgement files as an MIS exports them, for the client and command-line tests."""

from pathlib import Path
from typing import Any

import httpx

from tests.factories import World

HEADER = "UPN,Strand,Academic Year,Module,Step,Date"


def judgement_row(
    world: World, pupil: int = 0, strand: str = "READ", module: int = 1, step: str = "S2"
) -> str:
    return f"{world.pupils[pupil].upn},{strand},2023/24,{module},{step},2023-10-02"


def good_rows(world: World) -> list[str]:
    """Three valid judgements: two pupils, two strands."""
    return [
        judgement_row(world),
        judgement_row(world, strand="MATH"),
        judgement_row(world, pupil=1, module=2),
    ]


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def stored_judgements(api_url: str, world: World) -> list[dict[str, Any]]:
    """The school's judgements, read back through the live server."""
    response = httpx.get(
        f"{api_url}/api/v1/judgements",
        params={"school_id": str(world.school.id), "limit": 200},
        headers=world.headers("teacher"),
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items
