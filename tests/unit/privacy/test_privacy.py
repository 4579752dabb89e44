"""What each caller sees of a pupil: analysts get a stable pseudonym instead of identity."""

import re
import uuid
from datetime import date

import pytest

from domain.kernel.access import ROLE_PERMISSIONS, Principal, Role
from domain.privacy.pupil_view import Pseudonymiser, view_of
from domain.pupils.pupil import Enrolment, Gender, Pupil

KEY = b"k" * 32


def pupil() -> Pupil:
    return Pupil(
        id=uuid.uuid4(),
        school_id=uuid.uuid4(),
        forename="Amira",
        surname="Khan",
        date_of_birth=date(2011, 5, 17),
        gender=Gender.FEMALE,
        year_group="7",
        upn="B801200005001",
        mis_id="SIMS-42",
        pathway="semi-formal",
        enrolments=[Enrolment(date(2022, 9, 1))],
    )


def caller(role: Role) -> Principal:
    return Principal("someone", role, frozenset(), ROLE_PERMISSIONS[role])


@pytest.mark.parametrize("role", [Role.TEACHER, Role.SCHOOL_ADMIN, Role.TRUST_ADMIN])
def test_staff_see_the_pupils_identity_and_no_pseudonym(role: Role) -> None:
    p = pupil()
    view = view_of(p, caller(role), Pseudonymiser(KEY))
    assert (view.forename, view.surname, view.date_of_birth, view.upn, view.mis_id) == (
        "Amira",
        "Khan",
        date(2011, 5, 17),
        "B801200005001",
        "SIMS-42",
    )
    assert view.pseudonym is None


def test_analysts_see_a_pseudonym_instead_of_name_dob_upn_and_mis_id() -> None:
    p = pupil()
    view = view_of(p, caller(Role.TRUST_ANALYST), Pseudonymiser(KEY))
    assert (view.forename, view.surname, view.date_of_birth, view.upn, view.mis_id) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert view.pseudonym is not None
    assert re.fullmatch(r"P-[0-9a-f]{16}", view.pseudonym)
    assert (view.id, view.school_id, view.year_group, view.pathway) == (
        p.id,
        p.school_id,
        "7",
        "semi-formal",
    )


def test_the_pseudonym_is_stable_for_a_pupil_and_differs_between_pupils() -> None:
    pseudonymiser = Pseudonymiser(KEY)
    a, b = pupil(), pupil()
    assert pseudonymiser.token(a.id) == Pseudonymiser(KEY).token(a.id)
    assert pseudonymiser.token(a.id) != pseudonymiser.token(b.id)


def test_different_keys_give_different_pseudonyms() -> None:
    pupil_id = uuid.uuid4()
    assert Pseudonymiser(b"a" * 16).token(pupil_id) != Pseudonymiser(b"b" * 16).token(pupil_id)


def test_the_pseudonym_does_not_contain_the_pupil_id() -> None:
    pupil_id = uuid.uuid4()
    token = Pseudonymiser(KEY).token(pupil_id)
    assert pupil_id.hex[:16] not in token


def test_a_pseudonymisation_key_shorter_than_16_bytes_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 16 bytes"):
        Pseudonymiser(b"short")
