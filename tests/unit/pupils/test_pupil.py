"""Pupil rules: names, identifiers, year groups, dates, enrolments and census characteristics."""

import uuid
from dataclasses import replace
from datetime import date

import pytest

from domain.kernel.errors import Problem
from domain.pupils.pupil import (
    YEAR_GROUPS,
    Characteristic,
    CharacteristicKind,
    Enrolment,
    Gender,
    NeedType,
    Pupil,
    SenProvision,
)

TODAY = date(2024, 3, 15)
SEN = CharacteristicKind.SEN_PROVISION
NEED = CharacteristicKind.SEN_NEED
FSM = CharacteristicKind.FSM


def make(**overrides: object) -> Pupil:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "school_id": uuid.uuid4(),
        "forename": "Amira",
        "surname": "Khan",
        "date_of_birth": date(2011, 5, 17),
        "gender": Gender.FEMALE,
        "year_group": "7",
        "upn": "B801200005001",
        "enrolments": [Enrolment(date(2022, 9, 1))],
    }
    fields.update(overrides)
    return Pupil(**fields)  # type: ignore[arg-type]


def problems(**overrides: object) -> list[Problem]:
    return make(**overrides).problems(TODAY)


def where(found: list[Problem]) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in found]


def chars(*items: Characteristic) -> list[Problem]:
    return problems(characteristics=list(items))


def sen(value: str, start: date, end: date | None = None) -> Characteristic:
    return Characteristic(SEN, start, end, value=value)


def need(value: str, rank: int | None, start: date, end: date | None = None) -> Characteristic:
    return Characteristic(NEED, start, end, value=value, rank=rank)


# --- names and identifiers ---------------------------------------------------------------


def test_a_complete_pupil_has_no_problems() -> None:
    assert problems() == []


@pytest.mark.parametrize("name", ["forename", "surname"])
def test_blank_names_are_refused(name: str) -> None:
    assert where(problems(**{name: "   "})) == [(name, "blank")]


def test_names_over_100_characters_are_refused() -> None:
    assert where(problems(surname="x" * 101)) == [("surname", "too_long")]
    assert problems(surname="x" * 100) == []


def test_names_with_control_characters_are_refused() -> None:
    assert where(problems(forename="Am\tira")) == [("forename", "control_chars")]


def test_a_pupil_needs_a_upn_or_an_mis_id() -> None:
    assert where(problems(upn=None)) == [("upn", "required")]
    assert problems(upn=None, mis_id="SIMS-0042") == []
    assert problems(upn="B801200005001", mis_id=None) == []


def test_blank_upn_and_mis_id_count_as_missing() -> None:
    pupil = make(upn="  ", mis_id=" ")
    assert pupil.upn is None
    assert pupil.mis_id is None
    assert where(pupil.problems(TODAY)) == [("upn", "required")]


def test_upn_is_normalised_and_checked() -> None:
    assert make(upn="b801 2000 05001").upn == "B801200005001"
    assert where(problems(upn="A801200005001")) == [("upn", "upn.check_letter")]


def test_mis_id_over_64_characters_is_refused() -> None:
    assert where(problems(mis_id="m" * 65)) == [("mis_id", "too_long")]


# --- year group and date of birth ------------------------------------------------------------


@pytest.mark.parametrize("year_group", ["N1", "N2", "R", "1", "7", "11", "14"])
def test_census_year_groups_are_accepted(year_group: str) -> None:
    assert problems(year_group=year_group) == []


@pytest.mark.parametrize("year_group", ["0", "15", "Y7", "", "Reception"])
def test_other_year_groups_are_refused(year_group: str) -> None:
    assert where(problems(year_group=year_group)) == [("year_group", "year_group")]


@pytest.mark.parametrize(("given", "stored"), [("r", "R"), (" n1", "N1"), ("7 ", "7")])
def test_year_groups_are_stored_in_one_spelling(given: str, stored: str) -> None:
    assert make(year_group=given).year_group == stored


def test_year_groups_are_nursery_reception_and_1_to_14() -> None:
    assert ("N1", "N2", "R", *(str(n) for n in range(1, 15))) == YEAR_GROUPS


@pytest.mark.parametrize("born", [TODAY, date(2024, 3, 16)])
def test_date_of_birth_today_or_later_is_refused(born: date) -> None:
    assert where(problems(date_of_birth=born)) == [("date_of_birth", "date.future")]


def test_date_of_birth_making_the_pupil_over_30_is_refused() -> None:
    assert where(problems(date_of_birth=date(1993, 3, 15))) == [("date_of_birth", "date.too_old")]
    assert problems(date_of_birth=date(1993, 3, 16)) == []  # 30 today, not over 30


def test_age_on_counts_whole_years_to_the_birthday() -> None:
    pupil = make(date_of_birth=date(2011, 5, 17))
    assert pupil.age_on(date(2024, 5, 16)) == 12
    assert pupil.age_on(date(2024, 5, 17)) == 13


# --- enrolments --------------------------------------------------------------------------


def test_a_pupil_needs_at_least_one_enrolment() -> None:
    assert where(problems(enrolments=[])) == [("enrolments", "required")]


def test_left_on_before_joined_on_is_refused() -> None:
    found = problems(enrolments=[Enrolment(date(2023, 9, 4), date(2023, 9, 3))])
    assert where(found) == [("enrolments[0].left_on", "date.order")]


def test_leaving_on_the_day_of_joining_is_allowed() -> None:
    assert problems(enrolments=[Enrolment(date(2023, 9, 4), date(2023, 9, 4))]) == []


def test_overlapping_enrolments_are_refused() -> None:
    found = problems(
        enrolments=[
            Enrolment(date(2022, 9, 1), date(2023, 2, 10)),
            Enrolment(date(2023, 2, 10)),
        ]
    )
    assert where(found) == [("enrolments[1]", "enrolment.overlap")]
    assert found[0].reason == "overlaps enrolments[0]"


def test_an_open_enrolment_overlaps_any_later_one() -> None:
    found = problems(enrolments=[Enrolment(date(2022, 9, 1)), Enrolment(date(2024, 1, 8))])
    assert where(found) == [("enrolments[1]", "enrolment.overlap")]


def test_rejoining_the_day_after_leaving_is_allowed() -> None:
    pupil = make(
        enrolments=[
            Enrolment(date(2022, 9, 1), date(2023, 2, 10)),
            Enrolment(date(2023, 2, 11)),
        ]
    )
    assert pupil.problems(TODAY) == []
    assert pupil.first_joined_on == date(2022, 9, 1)


def test_on_roll_includes_the_joining_and_leaving_days_and_not_the_gap() -> None:
    pupil = make(
        enrolments=[
            Enrolment(date(2023, 1, 9), date(2023, 2, 10)),
            Enrolment(date(2023, 4, 17)),
        ]
    )
    assert not pupil.on_roll(date(2023, 1, 8))
    assert pupil.on_roll(date(2023, 1, 9))
    assert pupil.on_roll(date(2023, 2, 10))
    assert not pupil.on_roll(date(2023, 3, 1))
    assert pupil.on_roll(date(2030, 1, 1))  # the second enrolment is still open


# --- characteristics -----------------------------------------------------------------------


def test_one_open_sen_provision_at_a_time() -> None:
    found = chars(sen("K", date(2020, 9, 1)), sen("E", date(2023, 1, 1)))
    assert where(found) == [("characteristics[1]", "period.overlap")]


def test_consecutive_sen_provisions_are_allowed() -> None:
    pupil = make(
        characteristics=[sen("K", date(2020, 9, 1), date(2022, 12, 31)), sen("E", date(2023, 1, 1))]
    )
    assert pupil.problems(TODAY) == []
    assert pupil.sen_provision_on(date(2022, 12, 31)) is SenProvision.SEN_SUPPORT
    assert pupil.sen_provision_on(date(2023, 1, 1)) is SenProvision.EHC_PLAN
    assert pupil.sen_provision_on(date(2019, 1, 1)) is SenProvision.NO_SEN


def test_sen_provision_must_be_e_k_or_n() -> None:
    assert where(chars(sen("S", date(2020, 9, 1)))) == [("characteristics[0].value", "sen")]


def test_need_types_must_be_census_codes_with_a_rank() -> None:
    found = chars(need("DYSLEXIA", 1, date(2020, 9, 1)), need("ASD", None, date(2021, 9, 1)))
    assert ("characteristics[0].value", "sen.need") in where(found)
    assert ("characteristics[1].rank", "sen.rank") in where(found)
    assert where(chars(need("ASD", 0, date(2020, 9, 1)))) == [
        ("characteristics[0].rank", "sen.rank")
    ]


def test_overlapping_needs_may_not_share_a_rank() -> None:
    found = chars(need("ASD", 1, date(2020, 9, 1)), need("SLCN", 1, date(2021, 9, 1)))
    assert where(found) == [("characteristics[1]", "sen.rank")]


def test_needs_that_do_not_overlap_may_reuse_a_rank() -> None:
    assert (
        chars(
            need("ASD", 1, date(2020, 9, 1), date(2021, 8, 31)),
            need("SLCN", 1, date(2021, 9, 1)),
        )
        == []
    )


def test_the_same_need_twice_at_once_is_a_duplicate() -> None:
    found = chars(need("ASD", 1, date(2020, 9, 1)), need("ASD", 2, date(2020, 9, 1)))
    assert where(found) == [("characteristics[1]", "duplicate")]


def test_nsa_need_is_only_used_with_sen_support() -> None:
    with_k = chars(sen("K", date(2020, 9, 1)), need("NSA", 1, date(2020, 9, 1)))
    with_e = chars(sen("E", date(2020, 9, 1)), need("NSA", 1, date(2020, 9, 1)))
    assert with_k == []
    assert where(with_e) == [("characteristics[1].value", "sen.nsa")]


def test_a_need_is_refused_while_the_pupil_has_no_sen_provision() -> None:
    found = chars(
        sen("N", date(2020, 9, 1), date(2021, 8, 31)),
        sen("K", date(2021, 9, 1)),
        need("SLCN", 1, date(2021, 1, 4)),
        need("ASD", 2, date(2021, 9, 1)),
    )
    assert where(found) == [("characteristics[2]", "sen.need_without_provision")]


def test_nsa_is_refused_when_any_part_of_it_overlaps_a_plan() -> None:
    found = chars(
        sen("K", date(2020, 9, 1), date(2022, 12, 31)),
        sen("E", date(2023, 1, 1)),
        need("NSA", 1, date(2022, 9, 1)),
    )
    assert where(found) == [("characteristics[2].value", "sen.nsa")]


@pytest.mark.parametrize(
    "flag",
    [
        Characteristic(FSM, date(2020, 9, 1), value="Y"),
        Characteristic(CharacteristicKind.EAL, date(2020, 9, 1), rank=1),
    ],
)
def test_flags_take_no_value(flag: Characteristic) -> None:
    assert where(chars(flag)) == [("characteristics[0].value", "invalid")]


def test_overlapping_periods_of_the_same_flag_are_refused() -> None:
    found = chars(Characteristic(FSM, date(2020, 9, 1)), Characteristic(FSM, date(2022, 9, 1)))
    assert where(found) == [("characteristics[1]", "period.overlap")]


def test_different_flags_may_overlap() -> None:
    assert (
        chars(
            Characteristic(FSM, date(2020, 9, 1)),
            Characteristic(CharacteristicKind.PUPIL_PREMIUM, date(2020, 9, 1)),
            Characteristic(CharacteristicKind.LOOKED_AFTER, date(2021, 9, 1)),
        )
        == []
    )


def test_characteristic_ending_before_it_starts_is_refused() -> None:
    found = chars(Characteristic(FSM, date(2021, 9, 1), date(2021, 8, 31)))
    assert where(found) == [("characteristics[0].end_on", "date.order")]


def test_needs_on_lists_active_needs_primary_first() -> None:
    pupil = make(
        characteristics=[
            need("SLCN", 2, date(2020, 9, 1)),
            need("MLD", 3, date(2020, 9, 1), date(2021, 8, 31)),
            need("ASD", 1, date(2020, 9, 1)),
        ]
    )
    assert pupil.needs_on(date(2021, 1, 1)) == [NeedType.ASD, NeedType.SLCN, NeedType.MLD]
    assert pupil.needs_on(date(2022, 1, 1)) == [NeedType.ASD, NeedType.SLCN]
    assert pupil.needs_on(date(2019, 1, 1)) == []


def test_characteristic_on_includes_its_first_and_last_days() -> None:
    fsm = Characteristic(FSM, date(2023, 1, 9), date(2023, 7, 21))
    pupil = make(characteristics=[fsm])
    assert pupil.characteristic_on(FSM, date(2023, 1, 8)) is None
    assert pupil.characteristic_on(FSM, date(2023, 1, 9)) == fsm
    assert pupil.characteristic_on(FSM, date(2023, 7, 21)) == fsm
    assert not pupil.has_flag(FSM, date(2023, 7, 22))
    assert not pupil.has_flag(CharacteristicKind.EAL, date(2023, 3, 1))


def test_every_problem_is_reported_at_once() -> None:
    pupil = replace(
        make(),
        forename="",
        year_group="Y12",
        date_of_birth=date(2030, 1, 1),
        enrolments=[],
        characteristics=[Characteristic(FSM, date(2021, 9, 1), date(2021, 8, 1))],
    )
    assert {p.field for p in pupil.problems(TODAY)} == {
        "forename",
        "year_group",
        "date_of_birth",
        "enrolments",
        "characteristics[0].end_on",
    }
