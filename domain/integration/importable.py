"""The resources a school can import from an MIS export, by name (docs/imports.md)."""

from typing import Any

from domain.assessment.judgement_import import JUDGEMENTS
from domain.integration.import_resource import ImportResource
from domain.outcomes.attendance_import import ATTENDANCE
from domain.outcomes.destination_import import DESTINATIONS
from domain.outcomes.qualification_import import QUALIFICATIONS
from domain.pupils.pupil_import import PUPILS
from domain.targets.target_import import TARGETS

RESOURCES: dict[str, ImportResource[Any]] = {
    r.name: r for r in (JUDGEMENTS, PUPILS, TARGETS, ATTENDANCE, QUALIFICATIONS, DESTINATIONS)
}
