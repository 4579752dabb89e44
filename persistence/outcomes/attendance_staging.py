"""SQL for staged register marks: COPYed into a transaction-local table, then upserted by
pupil, date and session in set-based statements (a term's registers are pupils x sessions)."""

STAGE_COLUMNS = ("line", "id", "school_id", "pupil_id", "session_date", "session", "code")

# dropped with the transaction, committed or not
CREATE_STAGE = """
CREATE TEMP TABLE IF NOT EXISTS staged_marks (
    line integer NOT NULL, id uuid NOT NULL, school_id uuid NOT NULL, pupil_id uuid NOT NULL,
    session_date date NOT NULL, session varchar NOT NULL, code varchar NOT NULL
) ON COMMIT DROP
"""

DUPLICATES = """
WITH ranked AS (
    SELECT line, min(line) OVER (PARTITION BY pupil_id, session_date, session) AS first_line
    FROM staged_marks WHERE school_id = :school
)
DELETE FROM staged_marks s USING ranked r
WHERE s.line = r.line AND r.line > r.first_line
RETURNING s.line, r.first_line
"""

UPDATE = """
UPDATE attendance_marks m SET code = s.code
FROM staged_marks s
WHERE s.school_id = :school AND m.school_id = :school AND m.pupil_id = s.pupil_id
  AND m.session_date = s.session_date AND m.session = s.session
  AND m.code IS DISTINCT FROM s.code
"""

INSERT = """
INSERT INTO attendance_marks (school_id, id, pupil_id, session_date, session, code)
SELECT s.school_id, s.id, s.pupil_id, s.session_date, s.session, s.code
FROM staged_marks s
WHERE s.school_id = :school
  AND NOT EXISTS (
      SELECT 1 FROM attendance_marks m
      WHERE m.school_id = s.school_id AND m.pupil_id = s.pupil_id
        AND m.session_date = s.session_date AND m.session = s.session
  )
ON CONFLICT DO NOTHING
"""

COUNT = "SELECT count(*) FROM staged_marks WHERE school_id = :school"
