"""CoP 6.17 flags over HTTP: each flag with the numbers behind it, pupils by id only."""

import uuid

from pydantic import BaseModel, Field

from api.analytics.progress_schemas import StepAt
from domain.analytics.flag_service import FlagWorklist, PupilFlagReport, PupilFlags, StrandFlags
from domain.analytics.flags import (
    Flag,
    FlagCounts,
    FlagSettings,
    Grouping,
    Interval,
    Pool,
    StepOn,
    Unmeasured,
)

#: Evidence is rounded for reading; flags are decided on the exact values.
DECIMALS = 4

#: What GraphQL names this module's types after (api.graphql.shapes).
GRAPHQL_TOPIC = "flags"


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def _step(step: StepOn) -> StepAt:
    return StepAt(step_id=step.step_id, value=step.value, on=step.on)


class IntervalOut(BaseModel):
    start: StepAt | None = Field(description="the start judgement: the year's baseline, else first")
    end: StepAt
    days_on_roll: int | None
    rate: float | None = Field(description="steps per year: gain x 365.25 / days on roll")

    @classmethod
    def of(cls, i: Interval) -> "IntervalOut":
        return cls(
            start=_step(i.start) if i.start is not None else None,
            end=_step(i.end),
            days_on_roll=i.days_on_roll,
            rate=_rounded(i.rate),
        )


class LastYearOut(IntervalOut):
    academic_year: str


class GroupingOut(BaseModel):
    model: str | None = Field(
        description="the model and version whose bands grouped the peers; null: the defaults"
    )
    model_id: uuid.UUID | None
    start_band_width: float
    age_band_years: int
    start_band: int | None = Field(description="floor(start value / start_band_width)")
    age_band: int = Field(description="age on the 31 August before the year // age_band_years")

    @classmethod
    def of(cls, g: Grouping) -> "GroupingOut":
        return cls(
            model=g.model_label,
            model_id=g.model_id,
            start_band_width=g.start_band_width,
            age_band_years=g.age_band_years,
            start_band=g.start_band,
            age_band=g.age_band,
        )


class VerdictOut(BaseModel):
    flagged: bool
    unmeasured: Unmeasured | None = Field(
        description="why the flag could not be judged (it is then not raised)"
    )


class SlowerThanPeersOut(VerdictOut):
    rate: float | None
    peers: int = Field(description="peers from the same start band and age band, with a rate")
    peers_p25: float | None
    peers_p50: float | None


class BelowPreviousRateOut(VerdictOut):
    rate: float | None
    previous_rate: float | None
    tolerance: float


class GapOut(VerdictOut):
    gap_start: float | None = Field(description="peers' median start value - the pupil's")
    gap_now: float | None = Field(description="peers' median value now - the pupil's")
    peers: int = Field(description="peers of the same age band with a start this year")
    peers_median_start: float | None
    peers_median_now: float | None


class StrandVerdictsOut(BaseModel):
    slower_than_peers: SlowerThanPeersOut
    below_previous_rate: BelowPreviousRateOut
    gap_not_closing: GapOut
    gap_widening: GapOut


class StrandFlagsOut(BaseModel):
    strand_id: uuid.UUID
    framework_id: uuid.UUID
    raised: list[Flag] = Field(description="the flags raised on this strand")
    grouping: GroupingOut
    this_year: IntervalOut
    last_year: LastYearOut | None
    flags: StrandVerdictsOut

    @classmethod
    def of(cls, s: StrandFlags, settings: FlagSettings, previous_year: str) -> "StrandFlagsOut":
        c, v = s.check, s.verdicts
        last = None
        if c.last_year is not None:
            last = LastYearOut(
                academic_year=previous_year, **IntervalOut.of(c.last_year).model_dump()
            )
        rate = _rounded(c.this_year.rate)

        def gap(flag: Flag) -> GapOut:
            return GapOut(
                flagged=v[flag].flagged,
                unmeasured=v[flag].unmeasured,
                gap_start=_rounded(c.gap_start),
                gap_now=_rounded(c.gap_now),
                peers=c.peer_values.learners,
                peers_median_start=_rounded(c.peer_values.median_start),
                peers_median_now=_rounded(c.peer_values.median_now),
            )

        slower, previous = v[Flag.SLOWER_THAN_PEERS], v[Flag.BELOW_PREVIOUS_RATE]
        return cls(
            strand_id=c.strand_id,
            framework_id=c.framework_id,
            raised=[f for f in Flag if v[f].flagged],
            grouping=GroupingOut.of(c.grouping),
            this_year=IntervalOut.of(c.this_year),
            last_year=last,
            flags=StrandVerdictsOut(
                slower_than_peers=SlowerThanPeersOut(
                    flagged=slower.flagged,
                    unmeasured=slower.unmeasured,
                    rate=rate,
                    peers=c.peer_rates.learners,
                    peers_p25=_rounded(c.peer_rates.p25),
                    peers_p50=_rounded(c.peer_rates.p50),
                ),
                below_previous_rate=BelowPreviousRateOut(
                    flagged=previous.flagged,
                    unmeasured=previous.unmeasured,
                    rate=rate,
                    previous_rate=last.rate if last is not None else None,
                    tolerance=settings.tolerance,
                ),
                gap_not_closing=gap(Flag.GAP_NOT_CLOSING),
                gap_widening=gap(Flag.GAP_WIDENING),
            ),
        )


class PupilFlagsOut(BaseModel):
    pupil_id: uuid.UUID
    school_id: uuid.UUID
    strands: list[StrandFlagsOut]

    @classmethod
    def of(cls, p: PupilFlags, settings: FlagSettings, previous_year: str) -> "PupilFlagsOut":
        return cls(
            pupil_id=p.pupil_id,
            school_id=p.school_id,
            strands=[StrandFlagsOut.of(s, settings, previous_year) for s in p.strands],
        )


class TallyOut(BaseModel):
    pupils: int
    pupil_strands: int


class FlagCountsOut(BaseModel):
    pupils_checked: int = Field(description="pupils judged at the module in the schools")
    pupil_strands_checked: int
    pupils_flagged: int = Field(description="pupils with at least one flag")
    slower_than_peers: TallyOut
    below_previous_rate: TallyOut
    gap_not_closing: TallyOut
    gap_widening: TallyOut

    @classmethod
    def of(cls, c: FlagCounts) -> "FlagCountsOut":
        def tally(flag: Flag) -> TallyOut:
            t = c.by_flag[flag]
            return TallyOut(pupils=t.pupils, pupil_strands=t.pupil_strands)

        return cls(
            pupils_checked=c.pupils_checked,
            pupil_strands_checked=c.pupil_strands_checked,
            pupils_flagged=c.pupils_flagged,
            slower_than_peers=tally(Flag.SLOWER_THAN_PEERS),
            below_previous_rate=tally(Flag.BELOW_PREVIOUS_RATE),
            gap_not_closing=tally(Flag.GAP_NOT_CLOSING),
            gap_widening=tally(Flag.GAP_WIDENING),
        )


class FlagWorklistOut(BaseModel):
    academic_year: str
    module: int
    previous_year: str
    pool: Pool
    min_peers: int
    tolerance: float
    school_ids: list[uuid.UUID]
    strand_id: uuid.UUID | None
    flag: Flag | None
    counts: FlagCountsOut = Field(description="over every pupil-strand checked, whatever `flag`")
    pupils: list[PupilFlagsOut] = Field(
        description="pupils with at least one flag (of `flag`, if given), with those strands"
    )

    @classmethod
    def of(cls, w: FlagWorklist) -> "FlagWorklistOut":
        s = w.settings
        return cls(
            academic_year=w.point.academic_year,
            module=w.point.sequence,
            previous_year=w.previous_year,
            pool=s.pool,
            min_peers=s.min_peers,
            tolerance=s.tolerance,
            school_ids=w.school_ids,
            strand_id=w.strand_id,
            flag=w.flag,
            counts=FlagCountsOut.of(w.counts),
            pupils=[PupilFlagsOut.of(p, s, w.previous_year) for p in w.pupils],
        )


class PupilFlagReportOut(PupilFlagsOut):
    academic_year: str
    module: int
    previous_year: str
    pool: Pool
    min_peers: int
    tolerance: float

    @classmethod
    def of_report(cls, r: PupilFlagReport) -> "PupilFlagReportOut":
        s = r.settings
        return cls(
            academic_year=r.point.academic_year,
            module=r.point.sequence,
            previous_year=r.previous_year,
            pool=s.pool,
            min_peers=s.min_peers,
            tolerance=s.tolerance,
            **PupilFlagsOut.of(r.pupil, s, r.previous_year).model_dump(),
        )
