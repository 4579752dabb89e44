"""Framework rules: one owner, unique codes, an ordered scale of at least two steps."""

import math
import uuid

import pytest

from domain.assessment.framework import Framework, Step, Strand
from domain.kernel.errors import Problem

TRUST = uuid.uuid4()
SCHOOL = uuid.uuid4()


def step(code: str, value: float) -> Step:
    return Step(uuid.uuid4(), code, f"Step {code}", value)


def strand(code: str, name: str, position: int) -> Strand:
    return Strand(uuid.uuid4(), code, name, position)


def make(
    steps: list[Step] | None = None,
    strands: list[Strand] | None = None,
    trust_id: uuid.UUID | None = TRUST,
    school_id: uuid.UUID | None = None,
    name: str = "Small steps",
) -> Framework:
    return Framework(
        id=uuid.uuid4(),
        name=name,
        strands=strands if strands is not None else [strand("READ", "Reading", 1)],
        steps=steps if steps is not None else [step("S1", 1.0), step("S2", 2.0)],
        trust_id=trust_id,
        school_id=school_id,
    )


def where(found: list[Problem]) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in found]


def test_a_trust_framework_with_two_steps_is_valid() -> None:
    assert make().problems() == []


def test_a_school_framework_is_valid() -> None:
    assert make(trust_id=None, school_id=SCHOOL).problems() == []


@pytest.mark.parametrize(("trust_id", "school_id"), [(None, None), (TRUST, SCHOOL)])
def test_a_framework_has_exactly_one_owner(
    trust_id: uuid.UUID | None, school_id: uuid.UUID | None
) -> None:
    assert where(make(trust_id=trust_id, school_id=school_id).problems()) == [("owner", "owner")]


def test_blank_name_is_refused() -> None:
    assert where(make(name="  ").problems()) == [("name", "blank")]


def test_a_framework_needs_a_strand() -> None:
    assert where(make(strands=[]).problems()) == [("strands", "required")]


@pytest.mark.parametrize("count", [0, 1])
def test_a_scale_needs_at_least_two_steps(count: int) -> None:
    steps = [step(f"S{i}", float(i)) for i in range(count)]
    assert where(make(steps=steps).problems()) == [("steps", "required")]


def test_step_codes_are_unique() -> None:
    found = make(steps=[step("S1", 1.0), step("S2", 2.0), step("S1", 3.0)]).problems()
    assert where(found) == [("steps[2].code", "duplicate")]


def test_strand_codes_and_names_are_unique() -> None:
    found = make(strands=[strand("READ", "Reading", 1), strand("READ", "Reading", 2)]).problems()
    assert where(found) == [("strands[1].code", "duplicate"), ("strands[1].name", "duplicate")]


def test_two_steps_with_the_same_value_are_refused() -> None:
    found = make(steps=[step("S1", 1.0), step("S2", 2.0), step("S2+", 2.0)]).problems()
    assert where(found) == [("steps[2].value", "scale.order")]
    assert found[0].reason == "S2+ has the same value as S2"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_step_values_are_refused(value: float) -> None:
    framework = make(steps=[step("S1", 1.0), step("S2", 2.0), step("S3", value)])
    [problem] = framework.problems()
    assert problem.code == "number"
    index = int(problem.field.removeprefix("steps[").removesuffix("].value"))
    assert framework.steps[index].code == "S3"


def test_blank_step_and_strand_codes_are_refused() -> None:
    found = make(
        steps=[step(" ", 1.0), step("S2", 2.0)], strands=[strand("", "Reading", 1)]
    ).problems()
    assert where(found) == [("steps[0].code", "blank"), ("strands[0]", "blank")]


def test_steps_are_kept_in_value_order_and_strands_in_position_order() -> None:
    framework = make(
        steps=[step("K3", 3.0), step("K1", 1.0), step("K2", 2.5)],
        strands=[strand("MATH", "Maths", 2), strand("READ", "Reading", 1)],
    )
    assert [s.code for s in framework.steps] == ["K1", "K2", "K3"]
    assert [s.code for s in framework.strands] == ["READ", "MATH"]


def test_steps_and_strands_are_found_by_id_and_code() -> None:
    framework = make()
    first = framework.steps[0]
    assert framework.step(first.id) == first
    assert framework.step_by_code("S2") == framework.steps[1]
    assert framework.step(uuid.uuid4()) is None
    assert framework.strand(framework.strands[0].id) == framework.strands[0]
    assert framework.strand(uuid.uuid4()) is None


def test_a_trust_framework_is_usable_by_the_schools_of_that_trust_only() -> None:
    framework = make(trust_id=TRUST)
    assert framework.usable_by(uuid.uuid4(), TRUST)
    assert not framework.usable_by(uuid.uuid4(), uuid.uuid4())
    assert not framework.usable_by(uuid.uuid4(), None)


def test_a_school_framework_is_usable_by_that_school_only() -> None:
    framework = make(trust_id=None, school_id=SCHOOL)
    assert framework.usable_by(SCHOOL, TRUST)
    assert not framework.usable_by(uuid.uuid4(), TRUST)
    assert not framework.usable_by(uuid.uuid4(), None)
