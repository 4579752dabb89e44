"""Pupil use cases against the fakes: enrol, update, archive, restore, read."""

from datetime import date

import pytest

from domain.kernel.errors import InvariantViolation, NotFound, PermissionDenied, StaleVersion
from domain.kernel.paging import PageRequest
from domain.privacy.pupil_view import Pseudonymiser
from domain.pupils import pupil_service as pupils
from domain.pupils.ports import PupilFilter
from domain.pupils.pupil import Enrolment, Gender
from tests.unit.world import World, upn

PSEUDONYMS = Pseudonymiser(b"unit-test-key-0123456789")


def enrol_command(w: World, **overrides: object) -> pupils.EnrolPupil:
    fields: dict[str, object] = {
        "school_id": w.school.id,
        "forename": " Dan ",
        "surname": "Eze",
        "date_of_birth": date(2012, 2, 29),
        "gender": Gender.MALE,
        "year_group": "6",
        "enrolments": [Enrolment(date(2023, 9, 4))],
        "upn": "  " + upn("801200005010").lower(),
    }
    fields.update(overrides)
    return pupils.EnrolPupil(**fields)  # type: ignore[arg-type]


async def stored(w: World) -> set[str]:
    async with w.uow() as uow:
        page = await uow.pupils.matching(PupilFilter(include_deleted=True), PageRequest())
    return {p.surname for p in page.items}


async def test_enrol_pupil_commits_a_valid_pupil(w: World) -> None:
    uow = w.uow(w.school_admin)
    pupil = await pupils.enrol_pupil(uow, w.school_admin, enrol_command(w), w.clock)
    assert uow.committed
    assert (pupil.forename, pupil.upn) == ("Dan", upn("801200005010"))
    async with w.uow() as check:
        assert await check.pupils.get(pupil.id) == pupil


async def test_enrol_pupil_refuses_an_invalid_pupil_listing_every_problem(w: World) -> None:
    uow = w.uow(w.school_admin)
    command = enrol_command(
        w,
        forename="",
        upn="B801200005010",  # the check letter is A
        year_group="Y6",
        date_of_birth=date(2025, 1, 1),
        enrolments=[],
    )
    with pytest.raises(InvariantViolation) as caught:
        await pupils.enrol_pupil(uow, w.school_admin, command, w.clock)
    assert {p.field for p in caught.value.problems} == {
        "forename",
        "upn",
        "year_group",
        "date_of_birth",
        "enrolments",
    }
    assert not uow.committed
    assert "Eze" not in await stored(w)


async def test_enrol_pupil_in_a_school_outside_the_scope_is_denied(w: World) -> None:
    command = enrol_command(w, school_id=w.sister_school.id)
    with pytest.raises(PermissionDenied):
        await pupils.enrol_pupil(w.uow(w.school_admin), w.school_admin, command, w.clock)
    assert "Eze" not in await stored(w)


async def test_teachers_cannot_enrol_pupils(w: World) -> None:
    with pytest.raises(PermissionDenied):
        await pupils.enrol_pupil(w.uow(w.teacher), w.teacher, enrol_command(w), w.clock)


async def test_update_pupil_with_a_stale_expected_version_raises(w: World) -> None:
    command = pupils.UpdatePupil(w.pupil.id, expected_version=7, forename="Amy")
    with pytest.raises(StaleVersion) as caught:
        await pupils.update_pupil(w.uow(w.school_admin), w.school_admin, command, w.clock)
    assert (caught.value.expected, caught.value.actual) == (7, 1)
    async with w.uow() as uow:
        unchanged = await uow.pupils.get(w.pupil.id)
    assert unchanged == w.pupil


async def test_update_pupil_changes_only_what_is_given_and_bumps_the_version(w: World) -> None:
    command = pupils.UpdatePupil(w.pupil.id, expected_version=1, surname=" Khan-Ali ", mis_id=None)
    updated = await pupils.update_pupil(w.uow(w.school_admin), w.school_admin, command, w.clock)
    assert (updated.surname, updated.forename, updated.upn, updated.version) == (
        "Khan-Ali",
        "Amira",
        w.pupil.upn,
        2,
    )
    async with w.uow() as uow:
        assert await uow.pupils.get(w.pupil.id) == updated


async def test_update_pupil_refuses_an_invalid_result_and_keeps_the_pupil(w: World) -> None:
    command = pupils.UpdatePupil(w.pupil.id, expected_version=None, upn=None, year_group="99")
    with pytest.raises(InvariantViolation) as caught:
        await pupils.update_pupil(w.uow(w.school_admin), w.school_admin, command, w.clock)
    assert {p.field for p in caught.value.problems} == {"upn", "year_group"}
    async with w.uow() as uow:
        assert await uow.pupils.get(w.pupil.id) == w.pupil


async def test_update_pupil_outside_the_scope_is_not_found(w: World) -> None:
    command = pupils.UpdatePupil(w.sister_pupil.id, expected_version=1, forename="X")
    with pytest.raises(NotFound):
        await pupils.update_pupil(w.uow(w.school_admin), w.school_admin, command, w.clock)


async def test_archive_hides_the_pupil_and_restore_brings_it_back(w: World) -> None:
    admin = w.school_admin
    await pupils.archive_pupil(w.uow(admin), admin, w.pupil.id, expected_version=1, clock=w.clock)
    with pytest.raises(NotFound):
        await pupils.get_pupil(w.uow(admin), admin, w.pupil.id, PSEUDONYMS)
    listed = await pupils.list_pupils(w.uow(admin), admin, PupilFilter(), PageRequest(), PSEUDONYMS)
    assert listed.items == []
    archived = await pupils.get_pupil(
        w.uow(admin), admin, w.pupil.id, PSEUDONYMS, include_deleted=True
    )
    assert (archived.deleted_at, archived.version) == (w.clock.now(), 2)

    restored = await pupils.restore_pupil(w.uow(admin), admin, w.pupil.id)
    assert (restored.deleted_at, restored.version) == (None, 3)
    view = await pupils.get_pupil(w.uow(admin), admin, w.pupil.id, PSEUDONYMS)
    assert view.forename == "Amira"


async def test_archive_with_a_stale_version_changes_nothing(w: World) -> None:
    with pytest.raises(StaleVersion):
        await pupils.archive_pupil(w.uow(w.school_admin), w.school_admin, w.pupil.id, 5, w.clock)
    async with w.uow() as uow:
        assert await uow.pupils.get(w.pupil.id) == w.pupil


async def test_restoring_a_pupil_that_is_not_archived_changes_nothing(w: World) -> None:
    uow = w.uow(w.school_admin)
    restored = await pupils.restore_pupil(uow, w.school_admin, w.pupil.id)
    assert restored == w.pupil
    assert not uow.committed


async def test_analysts_list_pupils_across_the_trust_under_pseudonyms(w: World) -> None:
    page = await pupils.list_pupils(
        w.uow(w.analyst), w.analyst, PupilFilter(), PageRequest(), PSEUDONYMS
    )
    assert {v.id for v in page.items} == {w.pupil.id, w.sister_pupil.id}
    assert all(v.forename is None and v.upn is None for v in page.items)
    assert {v.pseudonym for v in page.items} == {
        PSEUDONYMS.token(w.pupil.id),
        PSEUDONYMS.token(w.sister_pupil.id),
    }
