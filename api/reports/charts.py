"""Charts for the reports: matplotlib figures saved as SVG and returned ready to inline.

Every chart reads in black and white (greys, hatching, markers and line styles, values
written on the bars and at the ends of lines, never colour alone) and carries its own text
alternative (`role="img"`, `<title>` and `<desc>`). Ids inside each SVG are prefixed with the
chart's id, so several charts can share one page; the output is the same for the same input
(fixed hash salt, no date, text kept as text), which lets tests compare it.
"""

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from io import StringIO
from typing import Any

import matplotlib
from markupsafe import Markup, escape
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

#: Greys and patterns, in series order: distinct when printed without colour.
FILLS = ("#3b3b3b", "#9a9a9a", "#ffffff", "#d0d0d0")
HATCHES = ("", "///", "xx", "..")
MARKERS = ("o", "s", "^", "D")
LINE_STYLES = ("-", "--", ":", "-.")
#: what a chart or table shows for a value it may not show (withheld, small group) or lacks
NOT_SHOWN = "\N{EN DASH}"

_STYLE: dict[RcKeyType, Any] = {
    "svg.hashsalt": "stepwise-reports",
    "svg.fonttype": "none",  # text stays text: selectable, searchable, read by screen readers
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "hatch.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_LOCK = threading.Lock()  # rc_context changes matplotlib's global settings for its duration
#: every id and every reference to one, so each chart's ids can carry the chart's prefix
_REFERENCE = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')
_SAFE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class Series:
    """One named run of values; None is a value not shown (withheld or not recorded)."""

    label: str
    values: Sequence[float | None]


def progress_bars(
    chart_id: str,
    title: str,
    strands: Sequence[str],
    expected: Sequence[float | None],
    above: Sequence[float | None],
    accelerated: Sequence[float | None],
) -> Markup:
    """Per strand, the % of pupils at expected-or-better, above-or-better and accelerated."""
    series = (
        Series("Expected or better", expected),
        Series("Above expected or better", above),
        Series("Accelerated", accelerated),
    )
    return grouped_bars(chart_id, title, strands, series)


def comparison_bars(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "%",
    maximum: float | None = 100.0,
) -> Markup:
    """Side-by-side horizontal bars: a group against the cohort, this year against last,
    a school against the national figure. Long labels fit better across than up."""
    return grouped_bars(
        chart_id, title, categories, series, unit=unit, maximum=maximum, horizontal=True
    )


def grouped_bars(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "%",
    maximum: float | None = 100.0,
    horizontal: bool = False,
) -> Markup:
    """Bars grouped by category, one bar per series, each bar labelled with its value."""
    _check(chart_id, categories, series)
    count = max(len(categories), 1)
    size = (7.0, 1.0 + 0.32 * count * len(series)) if horizontal else (7.0, 3.4)
    with _LOCK, matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=size, layout="constrained")
        axes = figure.add_subplot()
        width = 0.8 / max(len(series), 1)
        for index, one in enumerate(series):
            offsets = [c - 0.4 + width * (index + 0.5) for c in range(len(categories))]
            heights = [v if v is not None else 0.0 for v in one.values]
            draw = axes.barh if horizontal else axes.bar
            bars = draw(
                offsets,
                heights,
                width * 0.92,
                label=one.label,
                color=FILLS[index % len(FILLS)],
                edgecolor="black",
                linewidth=0.6,
                hatch=HATCHES[index % len(HATCHES)],
            )
            labels = [_value(v, unit) for v in one.values]
            axes.bar_label(bars, labels=labels, padding=2, fontsize=7.5)
        positions = list(range(len(categories)))
        if horizontal:
            axes.set_yticks(positions, labels=list(categories))
            axes.invert_yaxis()
            axes.set_xlabel(unit)
            if maximum is not None:
                axes.set_xlim(0, maximum * 1.12)
        else:
            axes.set_xticks(positions, labels=list(categories), rotation=20, ha="right")
            axes.set_ylabel(unit)
            if maximum is not None:
                axes.set_ylim(0, maximum * 1.12)
        axes.legend(
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),  # above the plot, clear of long category names
            ncols=len(series),
            frameon=False,
            fontsize=8,
        )
        description = _describe_bars(categories, series, unit)
        return _inline(figure, chart_id, title, description)


def line_chart(
    chart_id: str,
    title: str,
    points: Sequence[str],
    series: Sequence[Series],
    *,
    y_label: str,
    y_ticks: Sequence[tuple[float, str]] = (),
    references: Sequence[tuple[str, float]] = (),
) -> Markup:
    """A value over modules (e.g. a strand's step at each assessment point), one line per
    series with its own marker and dash, each named at its last point; `references` are
    flat dashed lines named at the right (e.g. the target); `y_ticks` names the values
    (e.g. step names instead of numbers)."""
    _check(chart_id, points, series)
    with _LOCK, matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(7.0, 3.2), layout="constrained")
        axes = figure.add_subplot()
        positions = list(range(len(points)))
        for index, one in enumerate(series):
            xs = [x for x, v in zip(positions, one.values, strict=True) if v is not None]
            ys = [v for v in one.values if v is not None]
            axes.plot(
                xs,
                ys,
                label=one.label,
                color="black",
                marker=MARKERS[index % len(MARKERS)],
                linestyle=LINE_STYLES[index % len(LINE_STYLES)],
                linewidth=1.4,
                markerfacecolor="white" if index % 2 else "black",
            )
            if xs:
                axes.annotate(
                    one.label,
                    (xs[-1], ys[-1]),
                    xytext=(6, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=8,
                )
        for name, value in references:
            axes.axhline(value, color="black", linestyle=(0, (4, 3)), linewidth=0.8)
            axes.annotate(
                name,
                (1.0, value),
                xycoords=("axes fraction", "data"),
                xytext=(-2, 3),
                textcoords="offset points",
                ha="right",
                fontsize=8,
            )
        axes.set_xticks(positions, labels=list(points))
        axes.set_xlim(-0.4, len(points) - 1 + 0.8)  # room after the last point for its name
        if y_ticks:
            axes.set_yticks([v for v, _ in y_ticks], labels=[name for _, name in y_ticks])
        axes.set_ylabel(y_label)
        if len(series) > 1:
            axes.legend(frameon=False, fontsize=8)
        description = _describe_lines(points, series, references, dict(y_ticks))
        return _inline(figure, chart_id, title, description)


def _check(chart_id: str, categories: Sequence[str], series: Sequence[Series]) -> None:
    if not _SAFE_ID.match(chart_id):
        raise ValueError(f"chart id {chart_id!r} must be a letter then letters, digits, - or _")
    for one in series:
        if len(one.values) != len(categories):
            raise ValueError(
                f"series {one.label!r} has {len(one.values)} values for "
                f"{len(categories)} categories"
            )


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return NOT_SHOWN
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return f"{text}{unit}" if unit == "%" else text


def _describe_bars(categories: Sequence[str], series: Sequence[Series], unit: str) -> str:
    parts = []
    for c, category in enumerate(categories):
        values = ", ".join(
            f"{one.label} {'not shown' if one.values[c] is None else _value(one.values[c], unit)}"
            for one in series
        )
        parts.append(f"{category}: {values}.")
    return " ".join(parts)


def _describe_lines(
    points: Sequence[str],
    series: Sequence[Series],
    references: Sequence[tuple[str, float]],
    names: dict[float, str],
) -> str:
    def said(value: float) -> str:
        return names.get(value, f"{value:g}")

    parts = []
    for one in series:
        shown = [f"{p} {said(v)}" for p, v in zip(points, one.values, strict=True) if v is not None]
        parts.append(f"{one.label}: {', '.join(shown) if shown else 'no values'}.")
    parts.extend(f"{name}: {said(value)}." for name, value in references)
    return " ".join(parts)


def _inline(figure: Figure, chart_id: str, title: str, description: str) -> Markup:
    """The figure as an `<svg>` element: no XML prolog or doctype, ids prefixed with the
    chart id, sized by its container, with role, title and description for assistive tech."""
    buffer = StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = _REFERENCE.sub(lambda m: f"{m[1]}{chart_id}-{m[2]}", svg)
    head, rest = svg.split(">", 1)
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    head += (
        f' role="img" aria-labelledby="{title_id} {desc_id}" class="chart" data-chart="{chart_id}"'
    )
    accessible = (
        f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">'
        f"{escape(description)}</desc>"
    )
    return Markup(f"{head}>{accessible}{rest.strip()}")  # noqa: S704 - matplotlib's own SVG, text escaped above
