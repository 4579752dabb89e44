"""Target use cases against the fakes: set, change status, revise, history."""

from datetime import timedelta

import pytest

from domain.kernel.errors import Conflict, InvariantViolation, StaleVersion
from domain.kernel.paging import PageRequest
from domain.targets import target_service as targets
from domain.targets.ports import TargetFilter
from domain.targets.target import Target, TargetStatus
from tests.unit.world import YEAR, World


def set_command(w: World, step: int = 4) -> targets.SetTarget:
    return targets.SetTarget(w.pupil.id, w.reading.id, YEAR, w.step(step).id, "end of year")


async def set_target(w: World, step: int = 4) -> Target:
    return await targets.set_target(w.uow(w.teacher), w.teacher, set_command(w, step), w.clock)


async def stored(w: World, target: Target) -> Target:
    return await targets.get_target(w.uow(w.teacher), w.teacher, target.id)


async def test_set_target_stores_an_active_target_with_a_set_entry(w: World) -> None:
    target = await set_target(w)
    found = await stored(w, target)
    assert (found.status, found.step_id, found.set_on, found.set_by) == (
        TargetStatus.ACTIVE,
        w.step(4).id,
        w.clock.today(),
        w.teacher.subject,
    )
    assert [(h.status, h.reason) for h in found.history] == [(TargetStatus.ACTIVE, "set")]


async def test_set_target_refuses_a_second_current_target_for_the_strand_and_year(
    w: World,
) -> None:
    first = await set_target(w)
    with pytest.raises(Conflict) as caught:
        await set_target(w, step=5)
    assert caught.value.field == "strand_id"
    assert str(first.id) in caught.value.reason
    page = await targets.list_targets(w.uow(w.teacher), w.teacher, TargetFilter(), PageRequest())
    assert [t.id for t in page.items] == [first.id]


async def test_another_strand_or_year_may_have_its_own_target(w: World) -> None:
    await set_target(w)
    maths = targets.SetTarget(w.pupil.id, w.maths.id, YEAR, w.step(2).id)
    last_year = targets.SetTarget(w.pupil.id, w.reading.id, YEAR.previous(), w.step(2).id)
    for cmd in (maths, last_year):
        made = await targets.set_target(w.uow(w.teacher), w.teacher, cmd, w.clock)
        assert made.status is TargetStatus.ACTIVE


async def test_a_withdrawn_target_frees_the_slot(w: World) -> None:
    first = await set_target(w)
    withdraw = targets.ChangeTargetStatus(first.id, 1, TargetStatus.WITHDRAWN, "moved class")
    await targets.change_target_status(w.uow(w.teacher), w.teacher, withdraw, w.clock)
    second = await set_target(w, step=2)
    assert second.id != first.id
    reactivate = targets.ChangeTargetStatus(first.id, 2, TargetStatus.ACTIVE)
    with pytest.raises(Conflict) as caught:
        await targets.change_target_status(w.uow(w.teacher), w.teacher, reactivate, w.clock)
    assert caught.value.field == "status"
    assert (await stored(w, first)).status is TargetStatus.WITHDRAWN


async def test_change_target_status_refuses_a_transition_not_in_the_table(w: World) -> None:
    target = await set_target(w)
    cmd = targets.ChangeTargetStatus(target.id, 1, TargetStatus.REVISED)
    with pytest.raises(Conflict):
        await targets.change_target_status(w.uow(w.teacher), w.teacher, cmd, w.clock)
    assert (await stored(w, target)).status is TargetStatus.ACTIVE


async def test_set_target_refuses_a_step_off_the_scale(w: World) -> None:
    cmd = targets.SetTarget(w.pupil.id, w.reading.id, YEAR, w.foreign_step.id)
    with pytest.raises(InvariantViolation) as caught:
        await targets.set_target(w.uow(w.teacher), w.teacher, cmd, w.clock)
    assert [p.field for p in caught.value.problems] == ["step_id"]


async def test_revise_target_returns_the_new_active_target_and_marks_the_old_revised(
    w: World,
) -> None:
    old = await set_target(w)
    w.clock.advance(timedelta(days=30))
    cmd = targets.ReviseTarget(old.id, 1, w.step(6).id, "too easy")
    new = await targets.revise_target(w.uow(w.teacher), w.teacher, cmd, w.clock)
    assert (new.status, new.step_id, new.supersedes_id, new.set_on) == (
        TargetStatus.ACTIVE,
        w.step(6).id,
        old.id,
        w.clock.today(),
    )
    old_now = await stored(w, old)
    assert (old_now.status, old_now.version) == (TargetStatus.REVISED, 2)
    assert [h.reason for h in old_now.history] == ["set", "too easy"]
    assert await stored(w, new) == new


async def test_revise_target_without_a_reason_changes_nothing(w: World) -> None:
    old = await set_target(w)
    cmd = targets.ReviseTarget(old.id, 1, w.step(6).id, " ")
    with pytest.raises(InvariantViolation):
        await targets.revise_target(w.uow(w.teacher), w.teacher, cmd, w.clock)
    assert await stored(w, old) == old
    page = await targets.list_targets(w.uow(w.teacher), w.teacher, TargetFilter(), PageRequest())
    assert len(page.items) == 1


async def test_a_revised_target_cannot_be_revised_again(w: World) -> None:
    old = await set_target(w)
    first = targets.ReviseTarget(old.id, 1, w.step(6).id, "too easy")
    await targets.revise_target(w.uow(w.teacher), w.teacher, first, w.clock)
    again = targets.ReviseTarget(old.id, 2, w.step(5).id, "a bit less")
    with pytest.raises(Conflict):
        await targets.revise_target(w.uow(w.teacher), w.teacher, again, w.clock)


async def test_revise_target_with_a_stale_version_is_refused(w: World) -> None:
    old = await set_target(w)
    cmd = targets.ReviseTarget(old.id, 3, w.step(6).id, "too easy")
    with pytest.raises(StaleVersion):
        await targets.revise_target(w.uow(w.teacher), w.teacher, cmd, w.clock)
    assert (await stored(w, old)).status is TargetStatus.ACTIVE


async def test_target_history_returns_the_whole_chain_from_any_link(w: World) -> None:
    first = await set_target(w, step=3)
    w.clock.advance(timedelta(days=1))
    second = await targets.revise_target(
        w.uow(w.teacher),
        w.teacher,
        targets.ReviseTarget(first.id, 1, w.step(5).id, "too easy"),
        w.clock,
    )
    w.clock.advance(timedelta(days=1))
    third = await targets.revise_target(
        w.uow(w.teacher),
        w.teacher,
        targets.ReviseTarget(second.id, 1, w.step(4).id, "too hard"),
        w.clock,
    )
    expected = [
        (first.id, TargetStatus.ACTIVE, "set"),
        (first.id, TargetStatus.REVISED, "too easy"),
        (second.id, TargetStatus.ACTIVE, "too easy"),
        (second.id, TargetStatus.REVISED, "too hard"),
        (third.id, TargetStatus.ACTIVE, "too hard"),
    ]
    for link in (first, second, third):
        history = await targets.target_history(w.uow(w.teacher), w.teacher, link.id)
        assert [(h.target_id, h.status, h.reason) for h in history] == expected
