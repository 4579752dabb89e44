"""When a pupil's records may be erased: the SEN retention rule and the reasons it needs."""

import uuid
from datetime import date

import pytest

from domain.privacy.retention import (
    RetentionBasis,
    RetentionHeld,
    decide,
    erasable_on,
    reason_problems,
    without_identifiers,
    years_after,
)
from domain.pupils.pupil import Characteristic, CharacteristicKind, Gender, Pupil


def _pupil(born: date, *characteristics: Characteristic) -> Pupil:
    return Pupil(
        id=uuid.uuid4(),
        school_id=uuid.uuid4(),
        forename="Amira",
        surname="Khan",
        date_of_birth=born,
        gender=Gender.FEMALE,
        year_group="7",
        upn="A123456789012",
        mis_id="ADNO-77",
        characteristics=list(characteristics),
    )


EHC = Characteristic(CharacteristicKind.SEN_PROVISION, date(2019, 9, 1), None, "E")
NO_SEN = Characteristic(CharacteristicKind.SEN_PROVISION, date(2019, 9, 1), None, "N")
PP = Characteristic(CharacteristicKind.PUPIL_PREMIUM, date(2019, 9, 1))


def test_an_sen_record_is_held_to_dob_plus_31_years_and_a_past_one_counts() -> None:
    ended = Characteristic(
        CharacteristicKind.SEN_PROVISION, date(2019, 9, 1), date(2020, 7, 1), "K"
    )
    assert erasable_on(_pupil(date(2012, 3, 14), ended)) == date(2043, 3, 14)
    assert erasable_on(_pupil(date(2012, 3, 14), EHC), years=25) == date(2037, 3, 14)
    assert erasable_on(_pupil(date(2012, 3, 14), NO_SEN, PP)) is None


def test_a_leap_day_birthday_is_held_to_the_first_of_march() -> None:
    assert years_after(date(2012, 2, 29), 31) == date(2043, 3, 1)
    assert years_after(date(2012, 2, 29), 32) == date(2044, 2, 29)


def test_before_the_date_only_a_school_decision_lets_erasure_go_ahead() -> None:
    pupil = _pupil(date(2012, 3, 14), EHC)
    with pytest.raises(RetentionHeld) as held:
        decide(pupil, date(2043, 3, 13), False, None)
    assert held.value.erasable_on == date(2043, 3, 14)
    assert held.value.field == "school_decision"
    early = decide(pupil, date(2030, 1, 1), True, "governors agreed")
    assert (early.basis, early.school_decision_reason) == (
        RetentionBasis.SCHOOL_DECISION,
        "governors agreed",
    )
    on_the_day = decide(pupil, date(2043, 3, 14), False, "ignored")
    assert (on_the_day.basis, on_the_day.school_decision_reason) == (
        RetentionBasis.RETENTION_ENDED,
        None,
    )
    assert decide(_pupil(date(2012, 3, 14)), date(2025, 1, 1), False, None).basis is (
        RetentionBasis.NOT_HELD
    )


def test_a_reason_is_required_bounded_and_stored_without_the_pupils_identifiers() -> None:
    assert [p.code for p in reason_problems("reason", "  ")] == ["required"]
    assert [p.code for p in reason_problems("reason", "x" * 2001)] == ["length"]
    assert [p.code for p in reason_problems("reason", "a\x00b")] == ["format"]
    assert reason_problems("reason", "parent asked") == []
    pupil = _pupil(date(2012, 3, 14))
    assert (
        without_identifiers("AMIRA khan (A123456789012, ADNO-77) asked", pupil)
        == "[erased] [erased] ([erased], [erased]) asked"
    )
    assert without_identifiers("Khanate of Amiras", pupil) == "Khanate of Amiras"
