"""Repositories: entities survive the round trip, batches load in one go, scope narrows reads."""

from datetime import UTC, date, datetime

from domain.assessment.judgement import Judgement, JudgementKind, Moderation, ModerationState
from domain.assessment.ports import FrameworkFilter
from domain.kernel.ids import new_id
from domain.kernel.paging import PageRequest
from domain.pupils.ports import PupilFilter
from persistence.database import Database
from persistence.scope import Scope
from tests.factories import World


def _scope(world: World) -> Scope:
    return Scope(frozenset({world.school.id}), frozenset({world.trust.id}))


async def test_a_pupil_round_trips_with_characteristics_and_enrolments(
    database: Database, world: World
) -> None:
    async with database.unit_of_work(Scope.unrestricted()) as uow:
        loaded = await uow.pupils.get(world.pupil.id)
    assert loaded == world.pupil


async def test_a_moderated_judgement_round_trips(database: Database, world: World) -> None:
    judgement = Judgement(
        id=new_id(),
        school_id=world.school.id,
        pupil_id=world.pupil.id,
        strand_id=world.framework.strands[0].id,
        module_id=world.modules[1].id,
        step_id=world.framework.steps[3].id,
        kind=JudgementKind.CHECKPOINT,
        assessed_on=date(2024, 3, 1),
        assessor="Mr Hale",
        recorded_by="test",
        recorded_at=datetime(2024, 3, 1, 12, tzinfo=UTC),
        note="reads CVC words",
        evidence=["https://evidence.example/1"],
        moderation=Moderation(
            ModerationState.ADJUSTED, world.framework.steps[2].id, "Ms Ode", date(2024, 3, 8)
        ),
    )
    async with database.unit_of_work(Scope.unrestricted()) as uow:
        await uow.judgements.add(judgement)
        await uow.commit()
    async with database.unit_of_work(_scope(world)) as uow:
        assert await uow.judgements.get(judgement.id) == judgement
        grouped = await uow.judgements.for_pupils([world.pupil.id, world.pupils[1].id])
    assert grouped[world.pupil.id] == [judgement]
    assert grouped[world.pupils[1].id] == []


async def test_pages_follow_id_order_without_gaps_or_repeats(
    database: Database, world: World
) -> None:
    seen = []
    after = None
    async with database.unit_of_work(_scope(world)) as uow:
        while True:
            page = await uow.pupils.matching(PupilFilter(), PageRequest(limit=1, after=after))
            seen += [p.id for p in page.items]
            if page.next_after is None:
                break
            after = page.next_after
    assert seen == sorted(p.id for p in world.pupils)


async def test_a_trust_framework_is_visible_to_its_schools_and_hidden_from_other_trusts(
    database: Database, world: World, other_world: World
) -> None:
    async with database.unit_of_work(_scope(world)) as uow:
        own = await uow.frameworks.matching(
            FrameworkFilter(school_id=world.school.id), PageRequest()
        )
        foreign = await uow.frameworks.get(other_world.framework.id)
        steps = await uow.frameworks.steps([s.id for s in other_world.framework.steps])
    assert [f.id for f in own.items] == [world.framework.id]
    assert foreign is None
    assert steps == []


async def test_strand_lookup_returns_its_framework_for_each_strand(
    database: Database, world: World
) -> None:
    strands = [s.id for s in world.framework.strands]
    async with database.unit_of_work(_scope(world)) as uow:
        found = await uow.frameworks.for_strands(strands)
    assert {sid: f.id for sid, f in found.items()} == dict.fromkeys(strands, world.framework.id)
