"""Judgement use cases against the fakes: record, correct, moderate, delete, history."""

import uuid
from datetime import date, timedelta

import pytest

from domain.assessment import judgement_service as judgements
from domain.assessment.judgement import Judgement, JudgementKind, ModerationState
from domain.kernel.access import Principal
from domain.kernel.errors import (
    Conflict,
    InvariantViolation,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from tests.unit.world import World


def record(w: World, **overrides: object) -> judgements.RecordJudgement:
    fields: dict[str, object] = {
        "pupil_id": w.pupil.id,
        "strand_id": w.reading.id,
        "module_id": w.spring_module.id,
        "step_id": w.step(3).id,
    }
    fields.update(overrides)
    return judgements.RecordJudgement(**fields)  # type: ignore[arg-type]


async def refused(w: World, actor: Principal, cmd: judgements.RecordJudgement) -> tuple[str, str]:
    uow = w.uow(actor)
    with pytest.raises(InvariantViolation) as caught:
        await judgements.record_judgement(uow, actor, cmd, w.clock)
    assert not uow.committed
    [problem] = caught.value.problems
    return problem.field, problem.reason


async def recorded(w: World) -> Judgement:
    return await judgements.record_judgement(w.uow(w.teacher), w.teacher, record(w), w.clock)


async def test_record_judgement_stores_it_with_defaults_from_the_caller_and_clock(
    w: World,
) -> None:
    judgement = await recorded(w)
    assert judgement.assessed_on == w.clock.today()  # the spring module is still open
    assert (judgement.assessor, judgement.recorded_by, judgement.recorded_at) == (
        "Tom Teacher",
        w.teacher.subject,
        w.clock.now(),
    )
    assert judgement.school_id == w.school.id
    async with w.uow(w.teacher) as uow:
        assert await uow.judgements.get(judgement.id) == judgement


async def test_record_judgement_in_a_closed_module_defaults_to_its_last_day(w: World) -> None:
    judgement = await judgements.record_judgement(
        w.uow(w.teacher), w.teacher, record(w, module_id=w.module.id), w.clock
    )
    assert judgement.assessed_on == w.module.ends_on


@pytest.mark.parametrize("who", ["sister", "foreign", "missing"])
async def test_record_judgement_for_a_pupil_outside_the_scope_is_an_unknown_pupil(
    w: World, who: str
) -> None:
    pupil_id = {
        "sister": w.sister_pupil.id,
        "foreign": w.foreign_pupil.id,
        "missing": uuid.uuid4(),
    }[who]
    assert await refused(w, w.teacher, record(w, pupil_id=pupil_id)) == (
        "pupil_id",
        "no such pupil",
    )


async def test_record_judgement_refuses_a_pupil_the_caller_cannot_see_even_on_a_wide_uow(
    w: World,
) -> None:
    uow = w.uow()  # unrestricted: the use case itself must not leak
    with pytest.raises(InvariantViolation) as caught:
        await judgements.record_judgement(
            uow, w.teacher, record(w, pupil_id=w.sister_pupil.id), w.clock
        )
    assert [(p.field, p.reason) for p in caught.value.problems] == [("pupil_id", "no such pupil")]


async def test_record_judgement_refuses_a_module_of_another_school(w: World) -> None:
    cmd = record(w, module_id=w.sister_module.id)
    assert await refused(w, w.trust_admin, cmd) == (
        "module_id",
        "the module belongs to another school",
    )
    assert await refused(w, w.teacher, cmd) == ("module_id", "no such module")


async def test_record_judgement_refuses_a_step_off_the_strands_scale(w: World) -> None:
    field, reason = await refused(w, w.teacher, record(w, step_id=w.foreign_step.id))
    assert field == "step_id"
    assert reason == "step is not on the Small steps scale"


async def test_record_judgement_refuses_a_strand_of_another_trusts_framework(w: World) -> None:
    cmd = record(w, strand_id=w.foreign_reading.id, step_id=w.foreign_step.id)
    assert await refused(w, w.system, cmd) == (
        "strand_id",
        "the strand's framework is not used by the pupil's school",
    )
    assert await refused(w, w.teacher, cmd) == ("strand_id", "no such strand")


async def test_record_judgement_refuses_a_second_judgement_for_the_same_module(w: World) -> None:
    first = await recorded(w)
    with pytest.raises(Conflict) as caught:
        await judgements.record_judgement(
            w.uow(w.teacher), w.teacher, record(w, step_id=w.step(4).id), w.clock
        )
    assert caught.value.field == "module_id"
    assert str(first.id) in caught.value.reason


async def test_record_judgement_refuses_a_future_assessment_date(w: World) -> None:
    tomorrow = w.clock.today() + timedelta(days=1)
    assert (await refused(w, w.teacher, record(w, assessed_on=tomorrow)))[0] == "assessed_on"


async def test_analysts_cannot_record_judgements(w: World) -> None:
    with pytest.raises(PermissionDenied):
        await judgements.record_judgement(w.uow(w.analyst), w.analyst, record(w), w.clock)


async def test_correct_judgement_requires_a_reason(w: World) -> None:
    judgement = await recorded(w)
    cmd = judgements.CorrectJudgement(judgement.id, 1, reason="  ", step_id=w.step(4).id)
    with pytest.raises(InvariantViolation) as caught:
        await judgements.correct_judgement(w.uow(w.teacher), w.teacher, cmd, w.clock)
    assert [p.field for p in caught.value.problems] == ["reason"]
    history = await judgements.judgement_history(w.uow(w.teacher), w.teacher, judgement.id)
    assert history == []


async def test_correct_judgement_applies_the_change_and_writes_a_revision(w: World) -> None:
    judgement = await recorded(w)
    w.clock.advance(timedelta(hours=1))
    cmd = judgements.CorrectJudgement(
        judgement.id, 1, reason="mis-click", step_id=w.step(4).id, note="checked"
    )
    corrected = await judgements.correct_judgement(w.uow(w.teacher), w.teacher, cmd, w.clock)
    assert (corrected.step_id, corrected.note, corrected.version) == (w.step(4).id, "checked", 2)
    [revision] = await judgements.judgement_history(w.uow(w.teacher), w.teacher, judgement.id)
    assert (revision.step_id, revision.version, revision.note) == (w.step(3).id, 1, "")
    assert (revision.reason, revision.changed_by, revision.changed_at) == (
        "mis-click",
        w.teacher.subject,
        w.clock.now(),
    )


async def test_correct_judgement_with_a_stale_version_changes_nothing(w: World) -> None:
    judgement = await recorded(w)
    cmd = judgements.CorrectJudgement(judgement.id, 2, reason="late edit", step_id=w.step(5).id)
    with pytest.raises(StaleVersion):
        await judgements.correct_judgement(w.uow(w.teacher), w.teacher, cmd, w.clock)
    assert await judgements.get_judgement(w.uow(w.teacher), w.teacher, judgement.id) == judgement


async def test_correct_judgement_refuses_a_step_off_the_scale(w: World) -> None:
    judgement = await recorded(w)
    cmd = judgements.CorrectJudgement(judgement.id, 1, reason="x", step_id=w.foreign_step.id)
    with pytest.raises(InvariantViolation) as caught:
        await judgements.correct_judgement(w.uow(w.teacher), w.teacher, cmd, w.clock)
    assert [p.field for p in caught.value.problems] == ["step_id"]


async def test_moderate_adjusted_requires_a_step(w: World) -> None:
    judgement = await recorded(w)
    cmd = judgements.ModerateJudgement(judgement.id, 1, ModerationState.ADJUSTED)
    with pytest.raises(InvariantViolation) as caught:
        await judgements.moderate_judgement(w.uow(w.teacher), w.teacher, cmd, w.clock)
    assert [p.field for p in caught.value.problems] == ["step_id"]
    unchanged = await judgements.get_judgement(w.uow(w.teacher), w.teacher, judgement.id)
    assert unchanged.moderation.state is ModerationState.UNMODERATED


async def test_moderate_adjusted_moves_the_effective_step_and_keeps_history(w: World) -> None:
    judgement = await recorded(w)
    cmd = judgements.ModerateJudgement(
        judgement.id, 1, ModerationState.ADJUSTED, step_id=w.step(2).id, moderator=" Mo "
    )
    moderated = await judgements.moderate_judgement(w.uow(w.teacher), w.teacher, cmd, w.clock)
    assert (moderated.step_id, moderated.effective_step_id) == (w.step(3).id, w.step(2).id)
    assert (moderated.moderation.moderator, moderated.moderation.moderated_on) == (
        "Mo",
        w.clock.today(),
    )
    [revision] = await judgements.judgement_history(w.uow(w.teacher), w.teacher, judgement.id)
    assert revision.reason == "moderation: adjusted"
    assert revision.moderation.state is ModerationState.UNMODERATED


async def test_deleted_judgement_keeps_its_history(w: World) -> None:
    judgement = await recorded(w)
    await judgements.delete_judgement(
        w.uow(w.teacher), w.teacher, judgement.id, 1, "wrong pupil", w.clock
    )
    with pytest.raises(NotFound):
        await judgements.get_judgement(w.uow(w.teacher), w.teacher, judgement.id)
    [revision] = await judgements.judgement_history(w.uow(w.teacher), w.teacher, judgement.id)
    assert revision.reason == "deleted: wrong pupil"
    # the slot is free again
    again = await recorded(w)
    assert again.id != judgement.id


async def test_judgement_history_of_an_unknown_judgement_is_not_found(w: World) -> None:
    with pytest.raises(NotFound):
        await judgements.judgement_history(w.uow(w.teacher), w.teacher, uuid.uuid4())


async def test_judgements_of_another_school_are_not_found(w: World) -> None:
    judgement = await judgements.record_judgement(
        w.uow(w.trust_admin),
        w.trust_admin,
        record(w, pupil_id=w.sister_pupil.id, module_id=w.sister_module.id),
        w.clock,
    )
    assert judgement.assessed_on == date(2023, 10, 13)
    with pytest.raises(NotFound):
        await judgements.get_judgement(w.uow(w.teacher), w.teacher, judgement.id)
    cmd = judgements.CorrectJudgement(judgement.id, None, reason="x", kind=JudgementKind.EXIT)
    with pytest.raises(NotFound):
        await judgements.correct_judgement(w.uow(w.teacher), w.teacher, cmd, w.clock)


async def test_a_judgement_dated_outside_the_modules_academic_year_is_refused(w: World) -> None:
    before_the_year = w.module.academic_year.starts_on - timedelta(days=1)
    field, reason = await refused(
        w, w.teacher, record(w, module_id=w.module.id, assessed_on=before_the_year)
    )
    assert field == "assessed_on"
    assert w.module.academic_year.label in reason
