"""A subject access export (UK GDPR art. 15): everything held about one pupil, as stored.

Records are grouped by where they are held (the table) and given as stored, with ids, so
nothing held is left out by a summary and a later table appears without new code here.
Values computed on demand from these records (progress bands, CoP 6.17 flags, KS4 measure
results, attendance percentages) are not held, so they are not part of it.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.organisation.organisation import School

#: one held row, column -> value as stored (ids, dates, text, lists, JSON)
HeldRow = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class SubjectAccessExport:
    generated_at: datetime
    school: School
    pupil_id: uuid.UUID
    records: Mapping[str, list[HeldRow]]  # where it is held -> the rows, oldest first

    def counts(self) -> dict[str, int]:
        return {where: len(rows) for where, rows in self.records.items()}
