"""Trusts and schools: the tenancy tree above pupils."""

import enum
import re
import uuid
from dataclasses import dataclass

from domain.errors import Problem

URN_PATTERN = re.compile(r"^[1-9]\d{5}$")


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

    def problems(self) -> list[Problem]:
        found = _name_problems(self.name)
        if not URN_PATTERN.match(self.urn):
            found.append(Problem("urn", "a URN is six digits, e.g. 118956", "urn.format"))
        return found


def _name_problems(name: str) -> list[Problem]:
    if not name.strip():
        return [Problem("name", "must not be blank", "blank")]
    if len(name) > 200:
        return [Problem("name", "at most 200 characters", "too_long")]
    return []
