"""The resources a school can import from an MIS export, by name (README: "Imports")."""

from typing import Any

from domain.services.importing.attendance import ATTENDANCE
from domain.services.importing.destinations import DESTINATIONS
from domain.services.importing.judgements import JUDGEMENTS
from domain.services.importing.pupils import PUPILS
from domain.services.importing.qualifications import QUALIFICATIONS
from domain.services.importing.resource import ImportResource
from domain.services.importing.targets import TARGETS

RESOURCES: dict[str, ImportResource[Any]] = {
    r.name: r for r in (JUDGEMENTS, PUPILS, TARGETS, ATTENDANCE, QUALIFICATIONS, DESTINATIONS)
}
