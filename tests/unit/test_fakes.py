"""The fakes keep the promises of the SQL adapters the use-case tests rely on."""

from dataclasses import replace

import pytest

from domain.assessment.judgement import Judgement, JudgementKind
from domain.assessment.ports import FrameworkFilter
from domain.kernel.errors import Conflict, StaleVersion
from domain.kernel.ids import new_id
from domain.kernel.paging import PageRequest
from domain.pupils.ports import PupilFilter
from domain.targets.target import Target, TargetRevision, TargetStatus
from tests.fakes import FakeUnitOfWork, FixedClock
from tests.unit.world import YEAR, World, framework, pupil


async def test_changes_without_commit_are_gone_after_the_block(w: World) -> None:
    uow = w.uow()
    async with uow:
        await uow.pupils.add(pupil(w.school.id, "Dan", "Eze", "801200005010"))
        renamed = replace(w.pupil, forename="Changed", version=2)
        await uow.pupils.update(renamed, previous_version=1)
        assert (await uow.pupils.get(w.pupil.id)) == renamed  # visible inside the transaction
    assert not uow.committed
    async with w.uow() as after:
        assert (await after.pupils.get(w.pupil.id)) == w.pupil
        assert len((await after.pupils.matching(PupilFilter(), PageRequest())).items) == 3


async def test_committed_changes_are_seen_by_the_next_unit_of_work(w: World) -> None:
    uow = w.uow()
    added = pupil(w.school.id, "Dan", "Eze", "801200005010")
    async with uow:
        await uow.pupils.add(added)
        await uow.commit()
    assert uow.committed
    async with w.uow() as after:
        assert await after.pupils.get(added.id) == added


async def test_rollback_discards_the_changes_since_the_last_commit(w: World) -> None:
    uow = w.uow()
    first = pupil(w.school.id, "Dan", "Eze", "801200005010")
    second = pupil(w.school.id, "Eve", "Fox", "801200005011")
    async with uow:
        await uow.pupils.add(first)
        await uow.commit()
        await uow.pupils.add(second)
        await uow.rollback()
        assert await uow.pupils.get(second.id) is None
        assert await uow.pupils.get(first.id) == first


async def test_entities_read_from_a_repository_are_copies(w: World) -> None:
    async with w.uow() as uow:
        found = await uow.pupils.get(w.pupil.id)
        assert found is not None
        found.forename = "Mutated"
        assert (await uow.pupils.get(w.pupil.id)) == w.pupil


async def test_repositories_refuse_use_outside_async_with(w: World) -> None:
    with pytest.raises(RuntimeError, match="outside"):
        await w.uow().pupils.get(w.pupil.id)


async def test_rows_outside_the_scope_are_not_there(w: World) -> None:
    async with w.uow(w.teacher) as uow:
        assert await uow.pupils.get(w.pupil.id) is not None
        assert await uow.pupils.get(w.sister_pupil.id) is None
        assert await uow.pupils.get(w.foreign_pupil.id) is None
        assert await uow.schools.get(w.sister_school.id) is None
        assert await uow.modules.get(w.sister_module.id) is None
        assert await uow.trusts.get(w.trust.id) is not None
        assert await uow.trusts.get(w.foreign_trust.id) is None
        listed = await uow.pupils.matching(PupilFilter(), PageRequest())
        assert [p.id for p in listed.items] == [w.pupil.id]


async def test_frameworks_are_visible_through_the_owning_school_or_trust(w: World) -> None:
    own = replace(framework("Ours", w.trust.id, "O"), trust_id=None, school_id=w.school.id)
    sisters = replace(
        framework("Theirs", w.trust.id, "T"), trust_id=None, school_id=w.sister_school.id
    )
    w.store.seed(own, sisters)
    async with w.uow(w.teacher) as uow:
        visible = await uow.frameworks.matching(FrameworkFilter(), PageRequest())
        assert {f.id for f in visible.items} == {w.framework.id, own.id}
        assert await uow.frameworks.get(w.foreign_framework.id) is None
        assert await uow.frameworks.for_strands([w.foreign_reading.id]) == {}
        assert await uow.frameworks.steps([w.foreign_step.id, w.step(1).id]) == [w.step(1)]
    async with w.uow(w.trust_admin) as uow:
        for_school = await uow.frameworks.matching(
            FrameworkFilter(school_id=w.sister_school.id), PageRequest()
        )
        assert {f.id for f in for_school.items} == {w.framework.id, sisters.id}


async def test_matching_pages_in_id_order_with_a_cursor(w: World) -> None:
    extra = [pupil(w.school.id, f"P{i}", "Page", f"80120000502{i}") for i in range(5)]
    w.store.seed(*extra)
    expected = sorted([w.pupil.id, *(p.id for p in extra)])
    async with w.uow(w.teacher) as uow:
        first = await uow.pupils.matching(PupilFilter(), PageRequest(limit=4))
        assert [p.id for p in first.items] == expected[:4]
        assert first.next_after == expected[3]
        rest = await uow.pupils.matching(
            PupilFilter(), PageRequest(limit=4, after=first.next_after)
        )
        assert [p.id for p in rest.items] == expected[4:]
        assert rest.next_after is None


async def test_update_with_a_stale_version_raises(w: World) -> None:
    async with w.uow() as uow:
        with pytest.raises(StaleVersion) as caught:
            await uow.pupils.update(replace(w.pupil, version=3), previous_version=2)
        assert (caught.value.expected, caught.value.actual) == (2, 1)


async def test_update_of_a_row_outside_the_scope_is_stale_and_reveals_nothing(w: World) -> None:
    async with w.uow(w.teacher) as uow:
        with pytest.raises(StaleVersion) as caught:
            await uow.pupils.update(replace(w.sister_pupil, version=2), previous_version=1)
        assert caught.value.actual is None


def _judgement(w: World) -> Judgement:
    return Judgement(
        id=new_id(),
        school_id=w.school.id,
        pupil_id=w.pupil.id,
        strand_id=w.reading.id,
        module_id=w.module.id,
        step_id=w.step(1).id,
        kind=JudgementKind.CHECKPOINT,
        assessed_on=w.clock.today(),
        assessor="Tom Teacher",
        recorded_by="teacher",
        recorded_at=w.clock.now(),
    )


async def test_a_concurrent_writer_makes_the_later_commit_fail_and_publish_nothing(
    w: World,
) -> None:
    revision = _judgement(w).snapshot("teacher", w.clock.now(), "noted")
    slow, fast = w.uow(), w.uow()
    async with slow:
        mine = await slow.pupils.get(w.pupil.id)
        assert mine is not None
        async with fast:
            await fast.pupils.update(replace(w.pupil, forename="Fast", version=2), 1)
            await fast.commit()
        await slow.judgements.add_revision(w.school.id, revision)
        await slow.pupils.update(replace(mine, forename="Slow", version=2), 1)
        with pytest.raises(StaleVersion):
            await slow.commit()
    async with w.uow() as uow:
        stored = await uow.pupils.get(w.pupil.id)
        assert stored is not None
        assert stored.forename == "Fast"
        assert await uow.judgements.revisions([revision.judgement_id]) == {
            revision.judgement_id: []
        }


async def test_unique_constraints_are_conflicts_naming_the_field(w: World) -> None:
    twin = replace(pupil(w.school.id, "Twin", "Khan", "801200005001"), upn=w.pupil.upn)
    async with w.uow() as uow:
        with pytest.raises(Conflict) as caught:
            await uow.pupils.add(twin)
        assert caught.value.field == "upn"
        await uow.pupils.add(replace(twin, school_id=w.sister_school.id, upn=w.pupil.upn))
        await uow.judgements.add(_judgement(w))
        with pytest.raises(Conflict) as clash:
            await uow.judgements.add(replace(_judgement(w), id=new_id()))
        assert clash.value.field == "module_id"


async def test_add_many_writes_the_whole_batch_or_none_of_it(w: World) -> None:
    maths = replace(_judgement(w), strand_id=w.maths.id)
    async with w.uow() as uow:
        await uow.judgements.add_many([_judgement(w), maths])
        clash = replace(_judgement(w), strand_id=w.maths.id)
        with pytest.raises(Conflict):
            await uow.judgements.add_many(
                [replace(_judgement(w), module_id=w.spring_module.id), clash]
            )
        found = await uow.judgements.for_pupils([w.pupil.id])
        assert {(j.strand_id, j.module_id) for j in found[w.pupil.id]} == {
            (w.reading.id, w.module.id),
            (w.maths.id, w.module.id),
        }


async def test_target_history_comes_from_the_revisions_written(w: World) -> None:
    target = Target(
        id=new_id(),
        school_id=w.school.id,
        pupil_id=w.pupil.id,
        strand_id=w.reading.id,
        academic_year=YEAR,
        step_id=w.step(3).id,
        set_on=w.clock.today(),
        set_by="t",
    )
    target.record(w.clock.now(), "t", "never written")
    async with w.uow() as uow:
        await uow.targets.add(target)
        assert (await uow.targets.get(target.id)) == replace(target, history=[])
        entry = TargetRevision(
            target.id, w.clock.now(), "t", TargetStatus.ACTIVE, target.step_id, "set"
        )
        await uow.targets.add_revision(w.school.id, entry)
        found = await uow.targets.get(target.id)
        assert found is not None
        assert found.history == [entry]


def test_fixed_clock_stands_still_until_advanced() -> None:
    clock = FixedClock()
    first = clock.now()
    assert clock.now() == first
    assert clock.today() == first.date()


async def test_for_principal_gives_the_principals_scope(w: World) -> None:
    assert FakeUnitOfWork.for_principal(w.store, w.system).scope.school_ids is None
    scoped = FakeUnitOfWork.for_principal(w.store, w.trust_admin).scope
    assert scoped.school_ids == frozenset({w.school.id, w.sister_school.id})
    assert scoped.trust_ids == frozenset({w.trust.id})
