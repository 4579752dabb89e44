"""Where one pupil's data is held beyond the tables that hold it by pupil.

The tables holding a pupil's rows are declared by their features (`PupilTable` constants,
persistence.records.pupil_tables); subject access reads them and erasure deletes them, a row
before the rows it points at. tests/integration/test_pupil_data_coverage.py reads the
database's own catalogue and fails if a table with a pupil_id column, or a table pointing at
one of those, is not declared: a table added later cannot be forgotten.
"""

#: held about the pupil by the ids of their rows rather than a pupil_id column: the audit
#: log (scrubbed on erasure, kept) and the change feed's tombstones (ids only, kept)
AUDIT_TABLE = "audit_entries"
TOMBSTONE_TABLE = "change_tombstones"
#: import reports kept for idempotent retries: they may quote a pupil's UPN or MIS id
#: (rewritten without them on erasure, kept)
IMPORT_REPORTS_TABLE = "idempotency_records"
