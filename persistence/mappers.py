"""Rows <-> entities. The only module where both kinds of object meet."""

import uuid
from collections.abc import Iterable
from typing import Any

from domain.assessment.framework import Framework, Step, Strand
from domain.assessment.judgement import (
    Judgement,
    JudgementKind,
    JudgementRevision,
    Moderation,
    ModerationState,
)
from domain.identity.identity import IntegrationClient, User
from domain.kernel.access import Permission, Role
from domain.kernel.calendar import AcademicYear, Module
from domain.kernel.ids import new_id
from domain.organisation.organisation import School, SchoolType, Trust, TrustKind
from domain.outcomes.attendance import AttendanceMark, Session
from domain.outcomes.destination import Destination, DestinationCategory
from domain.outcomes.measure import MeasureDefinition, Subgroup
from domain.outcomes.qualification import (
    EntryStatus,
    QualificationEntry,
    QualificationKind,
    QualificationLevel,
)
from domain.pupils.pupil import (
    Characteristic,
    CharacteristicKind,
    Enrolment,
    Gender,
    Pupil,
    Registration,
)
from domain.targets.target import (
    OutcomeEvaluation,
    OutcomeRating,
    OutcomeSource,
    OutcomeStatus,
    OutcomeTarget,
    Target,
    TargetRevision,
    TargetStatus,
    Term,
)
from persistence.assessment.tables import (
    FrameworkRow,
    JudgementRevisionRow,
    JudgementRow,
    ModuleRow,
    StepRow,
    StrandRow,
)
from persistence.identity.tables import IntegrationClientRow, UserRow
from persistence.organisation.tables import SchoolRow, TrustRow
from persistence.outcomes.tables import (
    AttendanceMarkRow,
    DestinationRow,
    MeasureDefinitionRow,
    QualificationEntryRow,
)
from persistence.pupils.tables import CharacteristicRow, EnrolmentRow, PupilRow
from persistence.targets.tables import (
    OutcomeEvaluationRow,
    OutcomeTargetRow,
    TargetRevisionRow,
    TargetRow,
)

# --- organisation ------------------------------------------------------------------------


def trust_from_row(row: TrustRow) -> Trust:
    return Trust(id=row.id, name=row.name, kind=TrustKind(row.kind), version=row.version)


def trust_values(trust: Trust) -> dict[str, Any]:
    return {"id": trust.id, "name": trust.name, "kind": trust.kind.value, "version": trust.version}


def school_from_row(row: SchoolRow) -> School:
    return School(
        id=row.id,
        trust_id=row.trust_id,
        urn=row.urn,
        name=row.name,
        type=SchoolType(row.type),
        version=row.version,
        sen_retention_years=row.sen_retention_years,
    )


def school_values(school: School) -> dict[str, Any]:
    return {
        "id": school.id,
        "trust_id": school.trust_id,
        "urn": school.urn,
        "name": school.name,
        "type": school.type.value,
        "version": school.version,
        "sen_retention_years": school.sen_retention_years,
    }


# --- pupils ------------------------------------------------------------------------------


def pupil_from_rows(
    row: PupilRow, characteristics: Iterable[CharacteristicRow], enrolments: Iterable[EnrolmentRow]
) -> Pupil:
    return Pupil(
        id=row.id,
        school_id=row.school_id,
        forename=row.forename,
        surname=row.surname,
        date_of_birth=row.date_of_birth,
        gender=Gender(row.gender),
        year_group=row.year_group,
        upn=row.upn,
        mis_id=row.mis_id,
        pathway=row.pathway,
        characteristics=[
            Characteristic(
                kind=CharacteristicKind(c.kind),
                start_on=c.start_on,
                end_on=c.end_on,
                value=c.value,
                rank=c.rank,
            )
            for c in sorted(characteristics, key=lambda c: c.position)
        ],
        enrolments=[
            Enrolment(
                joined_on=e.joined_on, left_on=e.left_on, registration=Registration(e.registration)
            )
            for e in sorted(enrolments, key=lambda e: e.position)
        ],
        version=row.version,
        deleted_at=row.deleted_at,
    )


def pupil_values(pupil: Pupil) -> dict[str, Any]:
    return {
        "school_id": pupil.school_id,
        "id": pupil.id,
        "upn": pupil.upn,
        "mis_id": pupil.mis_id,
        "forename": pupil.forename,
        "surname": pupil.surname,
        "date_of_birth": pupil.date_of_birth,
        "gender": pupil.gender.value,
        "year_group": pupil.year_group,
        "pathway": pupil.pathway,
        "version": pupil.version,
        "deleted_at": pupil.deleted_at,
    }


def characteristic_values(pupil: Pupil) -> list[dict[str, Any]]:
    """Characteristics are stored as a set replaced on each update, so rows get fresh ids."""
    return [
        {
            "school_id": pupil.school_id,
            "id": new_id(),
            "pupil_id": pupil.id,
            "position": position,
            "kind": c.kind.value,
            "value": c.value,
            "rank": c.rank,
            "start_on": c.start_on,
            "end_on": c.end_on,
        }
        for position, c in enumerate(pupil.characteristics)
    ]


def enrolment_values(pupil: Pupil) -> list[dict[str, Any]]:
    return [
        {
            "school_id": pupil.school_id,
            "id": new_id(),
            "pupil_id": pupil.id,
            "position": position,
            "joined_on": e.joined_on,
            "left_on": e.left_on,
            "registration": e.registration.value,
        }
        for position, e in enumerate(pupil.enrolments)
    ]


# --- frameworks --------------------------------------------------------------------------


def framework_from_rows(
    row: FrameworkRow, strands: Iterable[StrandRow], steps: Iterable[StepRow]
) -> Framework:
    return Framework(
        id=row.id,
        name=row.name,
        description=row.description,
        trust_id=row.trust_id,
        school_id=row.school_id,
        strands=[strand_from_row(s) for s in strands],
        steps=[step_from_row(s) for s in steps],
        version=row.version,
    )


def strand_from_row(row: StrandRow) -> Strand:
    return Strand(id=row.id, code=row.code, name=row.name, position=row.position)


def step_from_row(row: StepRow) -> Step:
    return Step(id=row.id, code=row.code, label=row.label, value=row.value)


def framework_values(framework: Framework) -> dict[str, Any]:
    return {
        "id": framework.id,
        "trust_id": framework.trust_id,
        "school_id": framework.school_id,
        "name": framework.name,
        "description": framework.description,
        "version": framework.version,
    }


def strand_values(framework_id: uuid.UUID, strand: Strand) -> dict[str, Any]:
    return {
        "id": strand.id,
        "framework_id": framework_id,
        "code": strand.code,
        "name": strand.name,
        "position": strand.position,
    }


def step_values(framework_id: uuid.UUID, step: Step) -> dict[str, Any]:
    return {
        "id": step.id,
        "framework_id": framework_id,
        "code": step.code,
        "label": step.label,
        "value": step.value,
    }


# --- modules and judgements ----------------------------------------------------------------


def module_from_row(row: ModuleRow) -> Module:
    return Module(
        id=row.id,
        school_id=row.school_id,
        academic_year=AcademicYear.parse(row.academic_year),
        sequence=row.sequence,
        name=row.name,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        version=row.version,
    )


def module_values(module: Module) -> dict[str, Any]:
    return {
        "school_id": module.school_id,
        "id": module.id,
        "academic_year": module.academic_year.label,
        "sequence": module.sequence,
        "name": module.name,
        "starts_on": module.starts_on,
        "ends_on": module.ends_on,
        "version": module.version,
    }


def _moderation(row: JudgementRow | JudgementRevisionRow) -> Moderation:
    return Moderation(
        state=ModerationState(row.moderation_state),
        step_id=row.moderated_step_id,
        moderator=row.moderator,
        moderated_on=row.moderated_on,
    )


def judgement_from_row(row: JudgementRow) -> Judgement:
    return Judgement(
        id=row.id,
        school_id=row.school_id,
        pupil_id=row.pupil_id,
        strand_id=row.strand_id,
        module_id=row.module_id,
        step_id=row.step_id,
        kind=JudgementKind(row.kind),
        assessed_on=row.assessed_on,
        assessor=row.assessor,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        note=row.note,
        evidence=list(row.evidence),
        moderation=_moderation(row),
        version=row.version,
    )


def judgement_values(j: Judgement) -> dict[str, Any]:
    return {
        "school_id": j.school_id,
        "id": j.id,
        "pupil_id": j.pupil_id,
        "strand_id": j.strand_id,
        "module_id": j.module_id,
        "step_id": j.step_id,
        "kind": j.kind.value,
        "assessed_on": j.assessed_on,
        "assessor": j.assessor,
        "note": j.note,
        "evidence": list(j.evidence),
        "moderation_state": j.moderation.state.value,
        "moderated_step_id": j.moderation.step_id,
        "moderator": j.moderation.moderator,
        "moderated_on": j.moderation.moderated_on,
        "recorded_by": j.recorded_by,
        "recorded_at": j.recorded_at,
        "version": j.version,
    }


def judgement_revision_from_row(row: JudgementRevisionRow) -> JudgementRevision:
    return JudgementRevision(
        judgement_id=row.judgement_id,
        version=row.version,
        step_id=row.step_id,
        kind=JudgementKind(row.kind),
        assessed_on=row.assessed_on,
        assessor=row.assessor,
        note=row.note,
        moderation=_moderation(row),
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        reason=row.reason,
    )


def judgement_revision_values(
    school_id: uuid.UUID, row_id: uuid.UUID, r: JudgementRevision
) -> dict[str, Any]:
    return {
        "school_id": school_id,
        "id": row_id,
        "judgement_id": r.judgement_id,
        "version": r.version,
        "step_id": r.step_id,
        "kind": r.kind.value,
        "assessed_on": r.assessed_on,
        "assessor": r.assessor,
        "note": r.note,
        "moderation_state": r.moderation.state.value,
        "moderated_step_id": r.moderation.step_id,
        "moderator": r.moderation.moderator,
        "moderated_on": r.moderation.moderated_on,
        "changed_by": r.changed_by,
        "changed_at": r.changed_at,
        "reason": r.reason,
    }


# --- targets -----------------------------------------------------------------------------


def target_from_rows(row: TargetRow, revisions: Iterable[TargetRevisionRow]) -> Target:
    return Target(
        id=row.id,
        school_id=row.school_id,
        pupil_id=row.pupil_id,
        strand_id=row.strand_id,
        academic_year=AcademicYear.parse(row.academic_year),
        step_id=row.step_id,
        set_on=row.set_on,
        set_by=row.set_by,
        rationale=row.rationale,
        status=TargetStatus(row.status),
        supersedes_id=row.supersedes_id,
        history=[
            TargetRevision(
                target_id=r.target_id,
                changed_at=r.changed_at,
                changed_by=r.changed_by,
                status=TargetStatus(r.status),
                step_id=r.step_id,
                reason=r.reason,
            )
            for r in sorted(revisions, key=lambda r: r.changed_at)
        ],
        version=row.version,
    )


def target_values(t: Target) -> dict[str, Any]:
    return {
        "school_id": t.school_id,
        "id": t.id,
        "pupil_id": t.pupil_id,
        "strand_id": t.strand_id,
        "academic_year": t.academic_year.label,
        "step_id": t.step_id,
        "set_on": t.set_on,
        "set_by": t.set_by,
        "rationale": t.rationale,
        "status": t.status.value,
        "supersedes_id": t.supersedes_id,
        "version": t.version,
    }


def target_revision_values(
    school_id: uuid.UUID, row_id: uuid.UUID, r: TargetRevision
) -> dict[str, Any]:
    return {
        "school_id": school_id,
        "id": row_id,
        "target_id": r.target_id,
        "changed_at": r.changed_at,
        "changed_by": r.changed_by,
        "status": r.status.value,
        "step_id": r.step_id,
        "reason": r.reason,
    }


def outcome_from_rows(
    row: OutcomeTargetRow, evaluations: Iterable[OutcomeEvaluationRow]
) -> OutcomeTarget:
    return OutcomeTarget(
        id=row.id,
        school_id=row.school_id,
        pupil_id=row.pupil_id,
        source=OutcomeSource(row.source),
        area=row.area,
        text=row.text,
        set_on=row.set_on,
        due_on=row.due_on,
        status=OutcomeStatus(row.status),
        evaluations=[
            OutcomeEvaluation(
                id=e.id,
                academic_year=AcademicYear.parse(e.academic_year),
                term=Term(e.term),
                rating=OutcomeRating(e.rating),
                evaluated_on=e.evaluated_on,
                evaluated_by=e.evaluated_by,
                note=e.note,
            )
            for e in sorted(evaluations, key=lambda e: (e.academic_year, e.evaluated_on))
        ],
        version=row.version,
    )


def outcome_values(o: OutcomeTarget) -> dict[str, Any]:
    return {
        "school_id": o.school_id,
        "id": o.id,
        "pupil_id": o.pupil_id,
        "source": o.source.value,
        "area": o.area,
        "text": o.text,
        "set_on": o.set_on,
        "due_on": o.due_on,
        "status": o.status.value,
        "version": o.version,
    }


def evaluation_values(o: OutcomeTarget, e: OutcomeEvaluation) -> dict[str, Any]:
    return {
        "school_id": o.school_id,
        "id": e.id,
        "outcome_id": o.id,
        "academic_year": e.academic_year.label,
        "term": e.term.value,
        "rating": e.rating.value,
        "evaluated_on": e.evaluated_on,
        "evaluated_by": e.evaluated_by,
        "note": e.note,
    }


# --- destinations --------------------------------------------------------------------------


def destination_from_row(row: DestinationRow) -> Destination:
    return Destination(
        id=row.id,
        school_id=row.school_id,
        pupil_id=row.pupil_id,
        left_on=row.left_on,
        year_group_at_leaving=row.year_group_at_leaving,
        category=DestinationCategory(row.category),
        provider=row.provider,
        sustained=row.sustained,
        version=row.version,
    )


def destination_values(d: Destination) -> dict[str, Any]:
    return {
        "school_id": d.school_id,
        "id": d.id,
        "pupil_id": d.pupil_id,
        "left_on": d.left_on,
        "year_group_at_leaving": d.year_group_at_leaving,
        "category": d.category.value,
        "provider": d.provider,
        "sustained": d.sustained,
        "version": d.version,
    }


# --- identity ------------------------------------------------------------------------------


def user_from_row(row: UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        name=row.name,
        role=Role(row.role),
        password_hash=row.password_hash,
        trust_id=row.trust_id,
        school_ids=frozenset(row.school_ids),
        active=row.active,
        version=row.version,
        token_generation=row.token_generation,
    )


def user_values(u: User) -> dict[str, Any]:
    return {
        "id": u.id,
        "email": u.email,
        "name": u.name,
        "role": u.role.value,
        "password_hash": u.password_hash,
        "trust_id": u.trust_id,
        "school_ids": sorted(u.school_ids),
        "active": u.active,
        "version": u.version,
        "token_generation": u.token_generation,
    }


def client_from_row(row: IntegrationClientRow) -> IntegrationClient:
    return IntegrationClient(
        id=row.id,
        client_id=row.client_id,
        name=row.name,
        secret_hash=row.secret_hash,
        permissions=frozenset(Permission(p) for p in row.permissions),
        created_at=row.created_at,
        trust_id=row.trust_id,
        school_ids=frozenset(row.school_ids),
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


def client_values(c: IntegrationClient) -> dict[str, Any]:
    return {
        "id": c.id,
        "client_id": c.client_id,
        "name": c.name,
        "secret_hash": c.secret_hash,
        "permissions": sorted(p.value for p in c.permissions),
        "trust_id": c.trust_id,
        "school_ids": sorted(c.school_ids),
        "created_at": c.created_at,
        "revoked_at": c.revoked_at,
        "last_used_at": c.last_used_at,
    }


# --- attendance, qualifications and measures ------------------------------------------------


def mark_from_row(row: AttendanceMarkRow) -> AttendanceMark:
    return AttendanceMark(
        id=row.id,
        school_id=row.school_id,
        pupil_id=row.pupil_id,
        date=row.session_date,
        session=Session(row.session),
        code=row.code,
    )


def qualification_from_row(row: QualificationEntryRow) -> QualificationEntry:
    return QualificationEntry(
        id=row.id,
        school_id=row.school_id,
        pupil_id=row.pupil_id,
        awarding_body=row.awarding_body,
        title=row.title,
        subject=row.subject,
        level=QualificationLevel(row.level),
        kind=QualificationKind(row.kind),
        status=EntryStatus(row.status),
        result=row.result,
        awarded_on=row.awarded_on,
        version=row.version,
    )


def qualification_values(q: QualificationEntry) -> dict[str, Any]:
    return {
        "school_id": q.school_id,
        "id": q.id,
        "pupil_id": q.pupil_id,
        "awarding_body": q.awarding_body,
        "title": q.title,
        "subject": q.subject,
        "level": q.level.value,
        "kind": q.kind.value,
        "status": q.status.value,
        "result": q.result,
        "awarded_on": q.awarded_on,
        "version": q.version,
    }


def measure_from_row(row: MeasureDefinitionRow) -> MeasureDefinition:
    return MeasureDefinition(
        id=row.id,
        name=row.name,
        description=row.description,
        trust_id=row.trust_id,
        school_id=row.school_id,
        year_group_at_leaving=row.year_group_at_leaving,
        min_terms_on_programme=row.min_terms_on_programme,
        programme_years=row.programme_years,
        min_qualifications=row.min_qualifications,
        min_level=QualificationLevel(row.min_level),
        require_english_and_maths=row.require_english_and_maths,
        excluding_id=row.excluding_id,
        subgroups=tuple(Subgroup(s) for s in row.subgroups),
        version=row.version,
    )


def measure_values(m: MeasureDefinition) -> dict[str, Any]:
    return {
        "id": m.id,
        "name": m.name,
        "description": m.description,
        "trust_id": m.trust_id,
        "school_id": m.school_id,
        "year_group_at_leaving": m.year_group_at_leaving,
        "min_terms_on_programme": m.min_terms_on_programme,
        "programme_years": m.programme_years,
        "min_qualifications": m.min_qualifications,
        "min_level": m.min_level.value,
        "require_english_and_maths": m.require_english_and_maths,
        "excluding_id": m.excluding_id,
        "subgroups": [s.value for s in m.subgroups],
        "version": m.version,
    }
