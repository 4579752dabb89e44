"""Pupil rows checked against a school's roll: matching, dated characteristics, enrolments."""

import uuid
from datetime import date

from domain.integration.import_fields import PupilKey
from domain.pupils.pupil import Characteristic, CharacteristicKind, Enrolment, Gender, Pupil
from domain.pupils.pupil_rows import PupilChange, PupilRoster
from tests.factories import make_upn

SCHOOL = uuid.uuid4()
TODAY = date(2025, 3, 10)


def _pupil(upn: str, mis_id: str | None = None) -> Pupil:
    return Pupil(
        uuid.uuid4(), SCHOOL, "Amira", "Khan", date(2011, 5, 17), Gender.FEMALE, "7", upn, mis_id,
        characteristics=[
            Characteristic(CharacteristicKind.SEN_PROVISION, date(2019, 9, 1), value="K"),
            Characteristic(CharacteristicKind.SEN_NEED, date(2019, 9, 1), value="SLCN", rank=1),
            Characteristic(CharacteristicKind.PUPIL_PREMIUM, date(2025, 3, 10)),
        ],
        enrolments=[Enrolment(date(2022, 9, 1))],
    )  # fmt: skip


def _roster(*pupils: Pupil, archived: tuple[PupilKey, ...] = ()) -> PupilRoster:
    return PupilRoster(SCHOOL, pupils, archived, TODAY, uuid.uuid4)


def test_an_ehc_plan_replaces_sen_support_from_today_and_keeps_the_need() -> None:
    amira = _pupil(make_upn())

    change = _roster(amira).check(2, {"upn": amira.upn or "", "ehc_plan": "Yes"})

    assert isinstance(change, PupilChange)
    provisions = [c for c in change.after.characteristics if c.kind.value == "sen_provision"]
    assert [(c.value, c.start_on, c.end_on) for c in provisions] == [
        ("K", date(2019, 9, 1), date(2025, 3, 9)),
        ("E", TODAY, None),
    ]
    assert change.after.needs_on(TODAY) == ["SLCN"]
    assert change.changed


def test_no_sen_ends_the_needs_and_a_flag_set_today_by_mistake_is_removed() -> None:
    amira = _pupil(make_upn())

    change = _roster(amira).check(2, {"upn": amira.upn or "", "sen_provision": "No SEN",
                                      "pupil_premium": "N"})  # fmt: skip

    assert isinstance(change, PupilChange)
    assert change.after.sen_provision_on(TODAY).value == "N"
    assert change.after.needs_on(TODAY) == []
    assert not change.after.has_flag(CharacteristicKind.PUPIL_PREMIUM, TODAY)
    assert all(c.kind.value != "pupil_premium" for c in change.after.characteristics)


def test_the_same_values_again_change_nothing() -> None:
    amira = _pupil(make_upn(), "ADM-1")

    change = _roster(amira).check(
        2, {"upn": amira.upn or "", "mis_id": "ADM-1", "surname": "Khan", "sen_provision": "K",
            "primary_need": "slcn", "pupil_premium": "Y", "joined_on": "01/09/2022"},
    )  # fmt: skip

    assert isinstance(change, PupilChange)
    assert not change.changed


def test_an_archived_pupils_identifier_asks_for_a_restore() -> None:
    upn = make_upn()

    refused = _roster(archived=(PupilKey(uuid.uuid4(), upn, None, archived=True),)).check(
        2, {"upn": upn, "forename": "A", "surname": "B", "date_of_birth": "2012-01-01",
            "gender": "F", "year_group": "6", "joined_on": "2024-09-02"},
    )  # fmt: skip

    assert isinstance(refused, list)
    assert [(e.field, e.code) for e in refused] == [("upn", "archived")]


def test_an_enrolment_leaving_before_it_began_is_the_domains_date_order_error() -> None:
    amira = _pupil(make_upn())

    refused = _roster(amira).check(2, {"upn": amira.upn or "", "left_on": "2021-07-20"})

    assert isinstance(refused, list)
    assert [(e.field, e.code) for e in refused] == [("left_on", "date.order")]
