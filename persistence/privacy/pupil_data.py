"""Where one pupil's data is held: every table, and how its rows of that pupil are found.

Subject access reads these and erasure deletes them, in this order (a row before the rows
it points at). tests/integration/test_pupil_data_coverage.py reads the database's own
catalogue and fails if a table with a pupil_id column, or a table pointing at one of these,
is missing here: a table added later cannot be forgotten.
"""

_OF_PUPIL = "pupil_id = :pupil"

#: table -> which of its rows (of school :school) are the pupil's (:pupil)
PUPIL_TABLES: dict[str, str] = {
    "target_revisions": (
        "target_id IN (SELECT id FROM targets WHERE school_id = :school AND pupil_id = :pupil)"
    ),
    "outcome_evaluations": (
        "outcome_id IN"
        " (SELECT id FROM outcome_targets WHERE school_id = :school AND pupil_id = :pupil)"
    ),
    "judgement_revisions": _OF_PUPIL,
    "judgements": _OF_PUPIL,
    "targets": _OF_PUPIL,
    "outcome_targets": _OF_PUPIL,
    "destinations": _OF_PUPIL,
    "attendance_marks": _OF_PUPIL,
    "qualification_entries": _OF_PUPIL,
    "pupil_characteristics": _OF_PUPIL,
    "enrolments": _OF_PUPIL,
    "pupils": "id = :pupil",
}

#: how rows are ordered in an export: oldest first where the table knows, else by id
EXPORT_ORDER: dict[str, str] = {
    "attendance_marks": "session_date, session",
    "judgements": "assessed_on, id",
    "judgement_revisions": "changed_at, id",
    "target_revisions": "changed_at, id",
    "pupil_characteristics": "position, id",
    "enrolments": "position, id",
}

#: held about the pupil by the ids of their rows rather than a pupil_id column: the audit
#: log (scrubbed on erasure, kept) and the change feed's tombstones (ids only, kept)
AUDIT_TABLE = "audit_entries"
TOMBSTONE_TABLE = "change_tombstones"
#: import reports kept for idempotent retries: they may quote a pupil's UPN or MIS id
#: (rewritten without them on erasure, kept)
IMPORT_REPORTS_TABLE = "idempotency_records"
