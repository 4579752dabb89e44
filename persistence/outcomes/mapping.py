"""Register marks, qualification entries, measure definitions and destinations as rows
(persistence.mapping does the copying)."""

from domain.outcomes.attendance import AttendanceMark
from domain.outcomes.destination import Destination
from domain.outcomes.measure import MeasureDefinition
from domain.outcomes.qualification import QualificationEntry
from persistence.mapping import RowMapping, columns_of
from persistence.outcomes.tables import (
    AttendanceMarkRow,
    DestinationRow,
    MeasureDefinitionRow,
    QualificationEntryRow,
)

#: A mark's day is `session_date` in the table (`date` is a type name in SQL).
MARKS = RowMapping(
    AttendanceMark,
    columns_of(AttendanceMarkRow),
    read={"date": lambda row: row.session_date},
)
QUALIFICATIONS = RowMapping(QualificationEntry, columns_of(QualificationEntryRow))
MEASURES = RowMapping(MeasureDefinition, columns_of(MeasureDefinitionRow))
DESTINATIONS = RowMapping(Destination, columns_of(DestinationRow))
