"""The outcomes feature's kinds of pupil-level record as stored (persistence.records)."""

from persistence.outcomes.mapping import DESTINATIONS, MARKS, QUALIFICATIONS
from persistence.outcomes.tables import AttendanceMarkRow, DestinationRow, QualificationEntryRow
from persistence.records import PupilTable, StoredKind, dated, rows_of

_ATTENDANCE = """
SELECT p.upn, p.mis_id, a.session_date, a.session, a.code, a.id, a.pupil_id, a.school_id
FROM attendance_marks a
JOIN pupils p ON p.school_id = a.school_id AND p.id = a.pupil_id
WHERE a.school_id = ANY(:schools) {where}
ORDER BY a.school_id, a.id
"""

_QUALIFICATIONS = """
SELECT p.upn, p.mis_id, q.awarding_body, q.title, q.subject, q.level, q.kind, q.status,
       q.result, q.awarded_on, q.id, q.pupil_id, q.school_id
FROM qualification_entries q
JOIN pupils p ON p.school_id = q.school_id AND p.id = q.pupil_id
WHERE q.school_id = ANY(:schools) {where}
ORDER BY q.school_id, q.id
"""

_DESTINATIONS = """
SELECT p.upn, p.mis_id, d.left_on, d.year_group_at_leaving, d.category, d.provider,
       d.sustained, d.id, d.pupil_id, d.school_id
FROM destinations d
JOIN pupils p ON p.school_id = d.school_id AND p.id = d.pupil_id
WHERE d.school_id = ANY(:schools) {where}
ORDER BY d.school_id, d.id
"""

ATTENDANCE_STORED = StoredKind(
    name="attendance",
    table="attendance_marks",
    load=rows_of(AttendanceMarkRow, MARKS),
    export=_ATTENDANCE,
    conditions=dated("a", "a.session_date"),
)
QUALIFICATIONS_STORED = StoredKind(
    name="qualifications",
    table="qualification_entries",
    load=rows_of(QualificationEntryRow, QUALIFICATIONS),
    export=_QUALIFICATIONS,
    conditions=dated("q", "q.awarded_on"),
)
DESTINATIONS_STORED = StoredKind(
    name="destinations",
    table="destinations",
    load=rows_of(DestinationRow, DESTINATIONS),
    export=_DESTINATIONS,
    conditions=dated("d", "d.left_on"),
)


#: a pupil's register marks, qualification entries and destinations (persistence.privacy)
MARK_ROWS = PupilTable("attendance_marks", order="session_date, session")
ENTRY_ROWS = PupilTable("qualification_entries")
DESTINATION_ROWS = PupilTable("destinations")
