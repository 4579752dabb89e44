"""Trust analysts get no free text about a pupil: judgement notes and target rationales are
blank wherever they read them (REST, GraphQL, history, the change feed), as in exports.

Regression: the authorisation matrix found the notes and rationales in analysts' answers.
"""

import httpx

from domain.assessment import judgement_service as judgements
from domain.kernel.access import Principal
from domain.kernel.calendar import AcademicYear
from domain.targets import target_service as targets
from tests.factories import World

PUPIL_QUERY = """query($id: UUID!) { pupil(id: $id) {
  judgements { nodes { note history { nodes { note } } } } targets { nodes { rationale } } } }"""


async def _reads(
    client: httpx.AsyncClient, world: World, who: str, judgement_id: str, target_id: str
) -> list[str]:
    """Every note and rationale `who` is shown, through each way of reading them."""
    headers = world.headers(who)
    judgement = (await client.get(f"/api/v1/judgements/{judgement_id}", headers=headers)).json()
    history = await client.get(f"/api/v1/judgements/{judgement_id}/history", headers=headers)
    listed = await client.get(
        "/api/v1/judgements", params={"pupil_id": str(world.pupil.id)}, headers=headers
    )
    target = (await client.get(f"/api/v1/targets/{target_id}", headers=headers)).json()
    feed = await client.get(
        "/api/v1/changes",
        params={"school_id": str(world.school.id), "resource": ["judgements", "targets"]},
        headers=headers,
    )
    graphql = await client.post(
        "/graphql",
        json={"query": PUPIL_QUERY, "variables": {"id": str(world.pupil.id)}},
        headers=headers,
    )
    pupil = graphql.json()["data"]["pupil"]
    changed = [c["data"] for c in feed.json()["changes"]]
    return [
        judgement["note"],
        *(r["note"] for r in history.json()),
        *(j["note"] for j in listed.json()["items"]),
        target["rationale"],
        *(c["note"] if "note" in c else c["rationale"] for c in changed),
        *(j["note"] for j in pupil["judgements"]["nodes"]),
        *(r["note"] for j in pupil["judgements"]["nodes"] for r in j["history"]["nodes"]),
        *(t["rationale"] for t in pupil["targets"]["nodes"]),
    ]


async def test_a_trust_analyst_reads_no_notes_or_rationales(
    client: httpx.AsyncClient, world: World
) -> None:
    system, uow = Principal.system(), world.runtime.system_uow
    judgement = await judgements.record_judgement(
        uow(),
        system,
        judgements.RecordJudgement(
            world.pupil.id,
            world.framework.strands[0].id,
            world.modules[0].id,
            world.framework.steps[2].id,
            note="Amira read her name today",
        ),
    )
    # corrected, so the history keeps the first note
    await judgements.correct_judgement(
        uow(),
        system,
        judgements.CorrectJudgement(judgement.id, None, "typo", note="Amira read her name"),
    )
    target = await targets.set_target(
        uow(),
        system,
        targets.SetTarget(
            world.pupil.id,
            world.framework.strands[0].id,
            AcademicYear(2023),
            world.framework.steps[4].id,
            rationale="Amira's EHCP asks for phonics",
        ),
    )
    ids = (str(judgement.id), str(target.id))
    staff = await _reads(client, world, "school_admin", *ids)
    analyst = await _reads(client, world, "trust_analyst", *ids)
    assert len(analyst) == len(staff) >= 9
    assert all("Amira" in text for text in staff)
    assert set(analyst) == {""}
