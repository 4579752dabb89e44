"""Leavers' destinations and whether they count as EET."""

import uuid
from datetime import date

import pytest

from domain.outcomes.destination import Destination, DestinationCategory, is_eet

C = DestinationCategory

EXPECTED_EET = {
    C.SIXTH_FORM: True,
    C.FE_COLLEGE: True,
    C.INDEPENDENT_SPECIALIST_COLLEGE: True,
    C.APPRENTICESHIP: True,
    C.EMPLOYMENT: True,
    C.TRAINING: True,
    C.SUPPORTED_INTERNSHIP: True,
    C.SOCIAL_CARE_PROVISION: False,
    C.NEET: False,
    C.UNKNOWN: None,
}


def test_every_category_has_an_expected_eet_value() -> None:
    assert set(EXPECTED_EET) == set(DestinationCategory)


@pytest.mark.parametrize(("category", "eet"), EXPECTED_EET.items())
def test_eet_is_derived_from_the_category(category: DestinationCategory, eet: bool | None) -> None:
    assert is_eet(category) is eet
    assert destination(category=category).eet is eet


def destination(**overrides: object) -> Destination:
    made = Destination(
        id=uuid.uuid4(),
        school_id=uuid.uuid4(),
        pupil_id=uuid.uuid4(),
        left_on=date(2024, 7, 19),
        year_group_at_leaving="11",
        category=C.FE_COLLEGE,
        provider="Riverside College",
    )
    for name, value in overrides.items():
        setattr(made, name, value)
    return made


def test_a_destination_after_joining_is_valid() -> None:
    assert destination().problems(first_joined_on=date(2019, 9, 2)) == []


def test_leaving_before_first_joining_is_refused() -> None:
    found = destination(left_on=date(2019, 9, 1)).problems(first_joined_on=date(2019, 9, 2))
    assert [(p.field, p.code) for p in found] == [("left_on", "date.order")]


def test_leaving_on_the_joining_day_is_allowed() -> None:
    assert destination(left_on=date(2019, 9, 2)).problems(first_joined_on=date(2019, 9, 2)) == []


def test_without_a_joining_date_left_on_is_not_checked() -> None:
    assert destination(left_on=date(2000, 1, 1)).problems(first_joined_on=None) == []


def test_year_group_at_leaving_and_provider_length_are_checked() -> None:
    found = destination(year_group_at_leaving="Y11", provider="p" * 201).problems(None)
    assert [(p.field, p.code) for p in found] == [
        ("year_group_at_leaving", "year_group"),
        ("provider", "too_long"),
    ]
