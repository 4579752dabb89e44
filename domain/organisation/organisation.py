"""Trusts and schools: the tenancy tree above pupils."""

import enum
import re
import uuid
from dataclasses import dataclass

from domain.kernel.errors import Problem

URN_PATTERN = re.compile(r"^[1-9]\d{5}$")
#: SEN records are kept to the pupil's date of birth + this many years (IRMS toolkit), unless
#: the school sets its own period (domain/retention.py)
SEN_RETENTION_YEARS = 31
RETENTION_YEARS_RANGE = range(1, 121)


class TrustKind(enum.StrEnum):
    MULTI_ACADEMY_TRUST = "multi_academy_trust"
    LOCAL_AUTHORITY = "local_authority"
    FEDERATION = "federation"


class SchoolType(enum.StrEnum):
    SPECIAL = "special"
    ALTERNATIVE_PROVISION = "ap"
    MAINSTREAM = "mainstream"


@dataclass(slots=True)
class Trust:
    """A multi-academy trust or local authority: the analytics boundary above schools."""

    id: uuid.UUID
    name: str
    kind: TrustKind = TrustKind.MULTI_ACADEMY_TRUST
    version: int = 1

    def problems(self) -> list[Problem]:
        return _name_problems(self.name)


@dataclass(slots=True)
class School:
    """A school (the tenant): every pupil-level row carries its id."""

    id: uuid.UUID
    trust_id: uuid.UUID
    urn: str
    name: str
    type: SchoolType
    version: int = 1
    sen_retention_years: int = SEN_RETENTION_YEARS

    def problems(self) -> list[Problem]:
        found = _name_problems(self.name)
        if not URN_PATTERN.match(self.urn):
            found.append(Problem("urn", "a URN is six digits, e.g. 118956", "urn.format"))
        if self.sen_retention_years not in RETENTION_YEARS_RANGE:
            last = RETENTION_YEARS_RANGE[-1]
            found.append(Problem("sen_retention_years", f"must be 1..{last} years", "range"))
        return found


def _name_problems(name: str) -> list[Problem]:
    if not name.strip():
        return [Problem("name", "must not be blank", "blank")]
    if len(name) > 200:
        return [Problem("name", "at most 200 characters", "too_long")]
    return []
