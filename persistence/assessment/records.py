"""The assessment feature's kinds of pupil-level record as stored (persistence.records)."""

from domain.integration.exports import ExportFilter
from persistence.assessment.mapping import JUDGEMENTS
from persistence.assessment.tables import JudgementRow
from persistence.records import PupilTable, StoredKind, rows_of, since_until

_JUDGEMENTS = """
SELECT p.upn, p.mis_id, f.name, st.code, m.academic_year, m.sequence, sp.code, j.kind,
       j.assessed_on, j.assessor, j.note, sp.label, j.moderation_state, ms.code,
       j.id, j.pupil_id, j.school_id
FROM judgements j
JOIN pupils p ON p.school_id = j.school_id AND p.id = j.pupil_id
JOIN modules m ON m.school_id = j.school_id AND m.id = j.module_id
JOIN strands st ON st.id = j.strand_id
JOIN frameworks f ON f.id = st.framework_id
JOIN steps sp ON sp.id = j.step_id
LEFT JOIN steps ms ON ms.id = j.moderated_step_id
WHERE j.school_id = ANY(:schools) {where}
ORDER BY j.school_id, j.id
"""


def _judgement_conditions(f: ExportFilter) -> list[str]:
    found = since_until("j.assessed_on", f)
    if f.academic_year is not None:
        found.append("m.academic_year = :year")
    if f.module is not None:
        found.append("m.sequence = :module")
    return found


JUDGEMENTS_STORED = StoredKind(
    name="judgements",
    table="judgements",
    load=rows_of(JudgementRow, JUDGEMENTS),
    export=_JUDGEMENTS,
    conditions=_judgement_conditions,
)


#: a pupil's judgements and their history (persistence.privacy)
JUDGEMENT_ROWS = PupilTable("judgements", order="assessed_on, id")
JUDGEMENT_REVISION_ROWS = PupilTable("judgement_revisions", order="changed_at, id")
