"""The pupil report as an HTML page: one progress chart per strand, then the template."""

import datetime as dt

from markupsafe import Markup

from api.reports import charts
from api.reports.rendering import render
from domain.reports.pupil_report import PupilReport, StepShown, StrandReport

#: the words a parent reads for the engine's codes
BAND_WORDS = {
    "accelerated": "accelerated progress: at least twice the progress expected",
    "above_expected": "better progress than expected",
    "expected": "the progress expected of them",
    "below_expected": "less progress than expected so far",
    "insufficient_data": "too early to say (this needs a starting point and a later assessment)",
    # a gain, but no expected-progress model covers the pupil on this scale
    "no_model": "not yet compared with an expected rate of progress, as the school has not "
    "set one for this scale",
}
BAND_NAMES = {
    "accelerated": "Accelerated",
    "above_expected": "Above expected",
    "expected": "Expected",
    "below_expected": "Less than expected",
    "insufficient_data": "Too early to say",
    "no_model": "Not compared",
}
TRACKING_WORDS = {
    "met": "the target has been reached",
    "on_track": "on track to reach the target by the end of the year",
    "behind": "not yet on track to reach the target by the end of the year",
    "too_challenging_suggested": "the target may prove too challenging this year",
    "not_judged": "not assessed at the latest module, so not yet compared with the target",
    "insufficient_data": "too early to tell whether the target will be reached",
}
RATING_NAMES = {
    "not_met": "Not met",
    "partly_met": "Partly met",
    "met": "Met",
    "exceeded": "Exceeded",
}
SOURCE_NAMES = {"ehcp": "EHC plan", "iep": "IEP", "provision_plan": "Provision plan"}
FLAG_WORDS = {
    "slower_than_peers": "progress this year is slower than most pupils who started at a "
    "similar point",
    "below_previous_rate": "progress this year is slower than last year",
    "gap_not_closing": "the gap with pupils of a similar age is not closing",
    "gap_widening": "the gap with pupils of a similar age is widening",
}
TERMS = ("autumn", "spring", "summer")


def _shown_steps(strand: StrandReport) -> list[StepShown]:
    """The steps the chart names on its axis: those it plots, the baseline and the target."""
    steps = {m.step.step_id: m.step for m in strand.series if m.step is not None}
    for extra in (strand.baseline, strand.target):
        if extra is not None:
            steps[extra.step_id] = extra
    return sorted(steps.values(), key=lambda s: s.value)


def strand_chart(report: PupilReport, strand: StrandReport, index: int) -> Markup:
    """The step judged at each module of the year, with the baseline and the target as flat
    dashed lines; the axis names steps by their codes, the description by their labels."""
    references = []
    if strand.baseline is not None:
        references.append(("Baseline", strand.baseline.value))
    if strand.target is not None:
        references.append(("Target", strand.target.value))
    return charts.line_chart(
        f"strand-{index}",
        f"{strand.strand_name}: step at each module, {report.academic_year}",
        [m.name for m in report.modules],
        [
            charts.Series(
                strand.strand_name,
                [None if m.step is None else m.step.value for m in strand.series],
            )
        ],
        y_label="Step",
        y_ticks=[(s.value, s.code) for s in _shown_steps(strand)],
        references=references,
    )


def pupil_report_page(report: PupilReport, generated_on: dt.date) -> str:
    point = report.point
    module_name = report.modules[-1].name if report.modules else None
    period = (
        f"{report.academic_year}, as at {module_name}"
        if point is not None
        else f"{report.academic_year}: no assessment window has ended yet"
    )
    return render(
        "pupil.html",
        title=f"Progress report: {report.name}",
        organisation=report.school_name,
        period=period,
        generated_on=generated_on.strftime("%-d %B %Y"),
        r=report,
        charts=[
            strand_chart(report, s, i) if report.modules else None
            for i, s in enumerate(report.strands, start=1)
        ],
        band_words=BAND_WORDS,
        band_names=BAND_NAMES,
        tracking_words=TRACKING_WORDS,
        rating_names=RATING_NAMES,
        source_names=SOURCE_NAMES,
        flag_words=FLAG_WORDS,
        terms=TERMS,
    )
