"""Attendance, destination and qualification rows checked by the domain's own rules."""

import uuid
from datetime import date

from domain.integration.import_fields import PupilKey
from domain.outcomes.attendance import Session
from domain.outcomes.attendance_rows import AttendanceCatalogue, ImportedMark
from domain.outcomes.destination import DestinationCategory
from domain.outcomes.destination_rows import DestinationCatalogue, DestinationChange
from domain.outcomes.qualification import EntryStatus, QualificationKind
from domain.outcomes.qualification_rows import EntryChange, QualificationCatalogue
from domain.pupils.pupil import Enrolment, Gender, Pupil

SCHOOL = uuid.uuid4()
TODAY = date(2025, 3, 10)
LEAVER = Pupil(uuid.uuid4(), SCHOOL, "Ben", "Okafor", date(2008, 1, 2), Gender.MALE, "11",
               "A123456789012", "ADM-9", enrolments=[Enrolment(date(2019, 9, 2))])  # fmt: skip
ARCHIVED = PupilKey(LEAVER.id, LEAVER.upn, LEAVER.mis_id, archived=True)


def test_a_leavers_last_register_is_found_by_mis_id_with_a_uk_date() -> None:
    catalogue = AttendanceCatalogue(SCHOOL, [ARCHIVED], TODAY)

    mark = catalogue.check(2, {"mis_id": "ADM-9", "date": "07/10/2024", "session": "p.m.",
                               "code": "i"})  # fmt: skip

    assert mark == ImportedMark(2, LEAVER.id, date(2024, 10, 7), Session.PM, "I")


def test_a_withdrawn_code_after_august_2024_is_the_domains_error() -> None:
    catalogue = AttendanceCatalogue(SCHOOL, [ARCHIVED], TODAY)

    refused = catalogue.check(2, {"upn": "a123456789012", "date": "2024-10-07", "session": "AM",
                                  "code": "H"})  # fmt: skip

    assert isinstance(refused, list)
    assert [(e.field, e.code) for e in refused] == [("code", "attendance.code_date")]


def test_a_destination_takes_the_pupils_year_group_and_an_export_category_name() -> None:
    catalogue = DestinationCatalogue(SCHOOL, [ARCHIVED], [LEAVER], [], uuid.uuid4)

    change = catalogue.check(2, {"upn": LEAVER.upn or "", "left_on": "2024-07-19",
                                 "category": "Further Education"})  # fmt: skip

    assert isinstance(change, DestinationChange)
    assert change.after.category is DestinationCategory.FE_COLLEGE
    assert change.after.year_group_at_leaving == "11"
    assert change.before is None


def test_a_result_makes_a_new_entry_completed_and_the_title_gives_its_kind() -> None:
    catalogue = QualificationCatalogue(SCHOOL, [ARCHIVED], [], TODAY, uuid.uuid4)

    change = catalogue.check(2, {"upn": LEAVER.upn or "", "awarding_body": "AQA",
                                 "title": "GCSE Art", "level": "L2", "result": "4"})  # fmt: skip

    assert isinstance(change, EntryChange)
    assert (change.after.kind, change.after.status) == (
        QualificationKind.GCSE, EntryStatus.COMPLETED
    )  # fmt: skip


def test_an_award_date_in_the_future_is_the_domains_error() -> None:
    catalogue = QualificationCatalogue(SCHOOL, [ARCHIVED], [], TODAY, uuid.uuid4)

    refused = catalogue.check(2, {"upn": LEAVER.upn or "", "awarding_body": "AQA",
                                  "title": "GCSE Art", "level": "L2", "result": "4",
                                  "awarded_on": "2025-08-21"})  # fmt: skip

    assert isinstance(refused, list)
    assert [(e.field, e.code) for e in refused] == [("awarded_on", "date.future")]
