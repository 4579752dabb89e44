"""What each caller may see of a pupil.

Trust analysts compare schools; they get a stable pseudonym instead of the
pupil's name, date of birth and UPN (ICO: pseudonymised data is still personal
data, so this reduces risk rather than removing it). The pseudonym is an HMAC
of the pupil id under a key held outside the database, so it is stable across
requests and exports but cannot be reversed without the key.
"""

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from domain.kernel.access import Principal
from domain.pupils.pupil import Characteristic, Enrolment, Gender, Pupil


class Pseudonymiser:
    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("pseudonymisation key must be at least 16 bytes")
        self._key = key

    def token(self, pupil_id: uuid.UUID) -> str:
        digest = hmac.new(self._key, pupil_id.bytes, hashlib.sha256).hexdigest()
        return f"P-{digest[:16]}"


@dataclass(frozen=True, slots=True)
class PupilView:
    """A pupil as shown to one caller; identifying fields are None when pseudonymised."""

    id: uuid.UUID
    school_id: uuid.UUID
    gender: Gender
    year_group: str
    pathway: str | None
    characteristics: list[Characteristic]
    enrolments: list[Enrolment]
    version: int
    deleted_at: datetime | None
    forename: str | None
    surname: str | None
    date_of_birth: date | None
    upn: str | None
    mis_id: str | None
    pseudonym: str | None


def view_of(pupil: Pupil, actor: Principal, pseudonymiser: Pseudonymiser) -> PupilView:
    masked = actor.pseudonymised
    return PupilView(
        id=pupil.id,
        school_id=pupil.school_id,
        gender=pupil.gender,
        year_group=pupil.year_group,
        pathway=pupil.pathway,
        characteristics=pupil.characteristics,
        enrolments=pupil.enrolments,
        version=pupil.version,
        deleted_at=pupil.deleted_at,
        forename=None if masked else pupil.forename,
        surname=None if masked else pupil.surname,
        date_of_birth=None if masked else pupil.date_of_birth,
        upn=None if masked else pupil.upn,
        mis_id=None if masked else pupil.mis_id,
        pseudonym=pseudonymiser.token(pupil.id) if masked else None,
    )
