"""Framework and module use cases against the fakes: ownership, in-use guards, overlaps."""

from datetime import date

import pytest

from domain.assessment import framework_service as frameworks
from domain.assessment import judgement_service as judgements
from domain.assessment import module_service as modules
from domain.assessment.framework_service import StepSpec, StrandSpec
from domain.assessment.ports import FrameworkFilter
from domain.kernel.errors import Conflict, InvariantViolation, PermissionDenied
from domain.kernel.paging import PageRequest
from tests.unit.world import YEAR, World


def school_framework(w: World, name: str = "Engagement") -> frameworks.CreateFramework:
    return frameworks.CreateFramework(
        name=name,
        school_id=w.school.id,
        strands=[StrandSpec("EXP", "Exploration"), StrandSpec("ANT", "Anticipation")],
        steps=[StepSpec("E2", "Emerging", 2.0), StepSpec("E1", "Encountering", 1.0)],
    )


async def test_a_school_admin_creates_a_school_framework_with_its_steps_in_order(w: World) -> None:
    made = await frameworks.create_framework(
        w.uow(w.school_admin), w.school_admin, school_framework(w)
    )
    assert [s.code for s in made.steps] == ["E1", "E2"]
    assert [s.position for s in made.strands] == [1, 2]
    page = await frameworks.list_frameworks(
        w.uow(w.teacher), w.teacher, FrameworkFilter(school_id=w.school.id), PageRequest()
    )
    assert {f.id for f in page.items} == {w.framework.id, made.id}


async def test_teachers_and_other_schools_admins_cannot_create_school_frameworks(w: World) -> None:
    sister_admin = w.school_role(w.school_admin.role, w.sister_school)
    for actor in (w.teacher, sister_admin):
        with pytest.raises(PermissionDenied):
            await frameworks.create_framework(w.uow(actor), actor, school_framework(w))
    assert len(w.store.tables.frameworks) == 2


async def test_a_school_admin_cannot_manage_the_trust_framework(w: World) -> None:
    cmd = frameworks.UpdateFramework(w.framework.id, 1, name="Renamed")
    with pytest.raises(PermissionDenied):
        await frameworks.update_framework(w.uow(w.school_admin), w.school_admin, cmd)


async def test_update_framework_adds_steps_between_existing_ones(w: World) -> None:
    cmd = frameworks.UpdateFramework(w.framework.id, 1, add_steps=(StepSpec("S3+", "", 3.5),))
    updated = await frameworks.update_framework(w.uow(w.trust_admin), w.trust_admin, cmd)
    assert [s.code for s in updated.steps] == ["S1", "S2", "S3", "S3+", "S4", "S5", "S6"]
    assert updated.step(w.step(4).id) == w.step(4)
    stored = await frameworks.get_framework(w.uow(w.teacher), w.teacher, w.framework.id)
    assert stored == updated


async def test_update_framework_refuses_a_step_with_an_existing_value(w: World) -> None:
    cmd = frameworks.UpdateFramework(w.framework.id, 1, add_steps=(StepSpec("S3b", "", 3.0),))
    with pytest.raises(InvariantViolation) as caught:
        await frameworks.update_framework(w.uow(w.trust_admin), w.trust_admin, cmd)
    assert [(p.field, p.code) for p in caught.value.problems] == [
        ("add_steps[0].value", "scale.order")
    ]
    assert caught.value.problems[0].reason == "S3b has the same value as S3"


async def test_a_framework_with_judgements_cannot_be_deleted(w: World) -> None:
    await judgements.record_judgement(
        w.uow(w.teacher),
        w.teacher,
        judgements.RecordJudgement(w.pupil.id, w.reading.id, w.module.id, w.step(2).id),
        w.clock,
    )
    with pytest.raises(Conflict):
        await frameworks.delete_framework(w.uow(w.trust_admin), w.trust_admin, w.framework.id, 1)
    assert w.framework.id in w.store.tables.frameworks
    with pytest.raises(Conflict):
        await modules.delete_module(w.uow(w.school_admin), w.school_admin, w.module.id, 1)
    assert w.module.id in w.store.tables.modules


async def test_an_unused_framework_can_be_deleted(w: World) -> None:
    await frameworks.delete_framework(w.uow(w.trust_admin), w.trust_admin, w.framework.id, 1)
    assert w.framework.id not in w.store.tables.frameworks


async def test_create_module_refuses_overlapping_windows_in_the_same_year(w: World) -> None:
    cmd = modules.CreateModule(w.school.id, YEAR, 3, "Summer", date(2024, 3, 28), date(2024, 7, 19))
    with pytest.raises(InvariantViolation) as caught:
        await modules.create_module(w.uow(w.school_admin), w.school_admin, cmd)
    assert [(p.field, p.code) for p in caught.value.problems] == [("starts_on", "module.overlap")]
    later = modules.CreateModule(
        w.school.id, YEAR, 3, "Summer", date(2024, 4, 15), date(2024, 7, 19)
    )
    made = await modules.create_module(w.uow(w.school_admin), w.school_admin, later)
    assert made.id in w.store.tables.modules


async def test_create_module_refuses_dates_outside_the_academic_year(w: World) -> None:
    cmd = modules.CreateModule(w.school.id, YEAR, 3, "Summer", date(2024, 6, 1), date(2024, 9, 5))
    with pytest.raises(InvariantViolation) as caught:
        await modules.create_module(w.uow(w.school_admin), w.school_admin, cmd)
    assert [(p.field, p.code) for p in caught.value.problems] == [("ends_on", "academic_year")]
