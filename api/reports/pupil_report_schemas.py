"""The pupil report (annual review / parents' report) as JSON: the same figures as the HTML."""

import uuid
from datetime import date

from pydantic import BaseModel, Field

from api.targets.target_schemas import EvaluationOut
from domain.analytics.flags import Flag
from domain.analytics.progress import Band
from domain.reports.pupil_report import (
    ModuleShown,
    ModuleStep,
    NextStep,
    NextStepKind,
    OutcomeReport,
    PupilReport,
    StepShown,
    StrandReport,
)
from domain.targets.target import OutcomeSource, OutcomeStatus, TargetStatus
from domain.targets.target_progress import TrackStatus


class StepShownOut(BaseModel):
    step_id: uuid.UUID
    code: str
    label: str
    value: float

    @classmethod
    def of(cls, s: StepShown | None) -> "StepShownOut | None":
        if s is None:
            return None
        return cls(step_id=s.step_id, code=s.code, label=s.label, value=s.value)


class ReportPupilOut(BaseModel):
    id: uuid.UUID
    school_id: uuid.UUID
    school_name: str
    name: str = Field(description="the pupil's name, or their pseudonym for trust analysts")
    forename: str | None = Field(description="null for pseudonymised callers")
    surname: str | None
    pseudonym: str | None
    year_group: str
    pathway: str | None


class ModuleShownOut(BaseModel):
    module: int = Field(description="the module's sequence in the year")
    name: str
    ends_on: date

    @classmethod
    def of(cls, m: ModuleShown) -> "ModuleShownOut":
        return cls(module=m.sequence, name=m.name, ends_on=m.ends_on)


class ModuleStepOut(BaseModel):
    module: int
    step: StepShownOut | None = Field(description="null: not judged at this module")

    @classmethod
    def of(cls, m: ModuleStep) -> "ModuleStepOut":
        return cls(module=m.sequence, step=StepShownOut.of(m.step))


class AsAtOut(BaseModel):
    academic_year: str
    module: int


class StrandReportOut(BaseModel):
    strand_id: uuid.UUID
    code: str
    name: str
    framework_id: uuid.UUID
    as_at: AsAtOut | None = Field(
        description="the module these figures are from: the last one judged this year"
    )
    baseline: StepShownOut | None
    baseline_on: date | None
    current: StepShownOut | None
    current_on: date | None
    gain: float | None
    expected_gain: float | None
    band: Band
    model: str | None
    target: StepShownOut | None
    target_status: TargetStatus | None
    tracking: TrackStatus | None = Field(description="the target's status at the report's module")
    series: list[ModuleStepOut] = Field(description="the step judged at each module of the year")
    flags: list[Flag] = Field(description="SEN Code of Practice 6.17 flags raised")

    @classmethod
    def of(cls, s: StrandReport) -> "StrandReportOut":
        return cls(
            strand_id=s.strand_id,
            code=s.strand_code,
            name=s.strand_name,
            framework_id=s.framework_id,
            as_at=None
            if s.as_at is None
            else AsAtOut(academic_year=s.as_at.academic_year, module=s.as_at.sequence),
            baseline=StepShownOut.of(s.baseline),
            baseline_on=s.baseline_on,
            current=StepShownOut.of(s.current),
            current_on=s.current_on,
            gain=s.gain,
            expected_gain=None if s.expected_gain is None else round(s.expected_gain, 3),
            band=s.band,
            model=s.model,
            target=StepShownOut.of(s.target),
            target_status=s.target_status,
            tracking=s.tracking,
            series=[ModuleStepOut.of(m) for m in s.series],
            flags=list(s.flags),
        )


class OutcomeReportOut(BaseModel):
    id: uuid.UUID
    source: OutcomeSource
    area: str
    text: str | None = Field(description="null for pseudonymised callers: it names the pupil")
    set_on: date
    due_on: date | None
    status: OutcomeStatus
    evaluations: list[EvaluationOut] = Field(
        description="this year's, autumn to summer; notes blank for pseudonymised callers"
    )

    @classmethod
    def of(cls, r: OutcomeReport) -> "OutcomeReportOut":
        o = r.outcome
        return cls(
            id=o.id,
            source=o.source,
            area=o.area,
            text=None if r.text_withheld else o.text,
            set_on=o.set_on,
            due_on=o.due_on,
            status=o.status,
            evaluations=[EvaluationOut.of(e) for e in r.evaluations],
        )


class NextStepOut(BaseModel):
    kind: NextStepKind
    strand_id: uuid.UUID | None = None
    strand_name: str | None = None
    step: StepShownOut | None = Field(default=None, description="the next step on the scale")
    towards: StepShownOut | None = Field(
        default=None, description="the target, while it is still ahead"
    )
    beyond_target: bool = Field(default=False, description="this year's target is reached")
    outcome_id: uuid.UUID | None = None
    area: str | None = None
    text: str | None = None

    @classmethod
    def of(cls, n: NextStep) -> "NextStepOut":
        return cls(
            kind=n.kind,
            strand_id=n.strand_id,
            strand_name=n.strand_name,
            step=StepShownOut.of(n.step),
            towards=StepShownOut.of(n.towards),
            beyond_target=n.beyond_target,
            outcome_id=n.outcome_id,
            area=n.area,
            text=n.text,
        )


class PupilReportOut(BaseModel):
    pupil: ReportPupilOut
    academic_year: str
    module: int | None = Field(description="the year's last module that has ended; null: none")
    modules: list[ModuleShownOut]
    strands: list[StrandReportOut]
    outcome_targets: list[OutcomeReportOut]
    next_steps: list[NextStepOut]

    @classmethod
    def of(cls, r: PupilReport) -> "PupilReportOut":
        p = r.pupil
        return cls(
            pupil=ReportPupilOut(
                id=p.id,
                school_id=p.school_id,
                school_name=r.school_name,
                name=r.name,
                forename=p.forename,
                surname=p.surname,
                pseudonym=p.pseudonym,
                year_group=p.year_group,
                pathway=p.pathway,
            ),
            academic_year=r.academic_year,
            module=None if r.point is None else r.point.sequence,
            modules=[ModuleShownOut.of(m) for m in r.modules],
            strands=[StrandReportOut.of(s) for s in r.strands],
            outcome_targets=[OutcomeReportOut.of(o) for o in r.outcomes],
            next_steps=[NextStepOut.of(n) for n in r.next_steps],
        )
