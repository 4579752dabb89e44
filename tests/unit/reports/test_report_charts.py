"""Report charts: valid inline SVG with a text alternative, readable without colour, ids
that do not clash, and the same output for the same figures."""

import re
import xml.etree.ElementTree as ET

import pytest

from api.reports.charts import (
    HATCHES,
    Series,
    comparison_bars,
    line_chart,
    progress_bars,
)

SVG = "{http://www.w3.org/2000/svg}"


def _parsed(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own chart, not outside input


def _texts(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text")]


def _strands() -> str:
    return progress_bars(
        "strands", "Progress by strand", ["Reading", "Maths"], [81, 67], [38, 25], [15, None]
    )


def test_progress_bars_are_an_svg_element_with_role_title_and_description() -> None:
    markup = _strands()
    assert markup.startswith("<svg")
    assert "<?xml" not in markup
    assert "<!DOCTYPE" not in markup
    svg = _parsed(markup)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "strands-title strands-desc"
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert title is not None
    assert title.text == "Progress by strand"
    assert desc is not None
    assert "Reading: Expected or better 81%" in (desc.text or "")
    assert "Accelerated not shown" in (desc.text or "")  # the withheld value, said in words


def test_bars_carry_their_values_and_names_as_text() -> None:
    texts = _texts(_parsed(_strands()))
    for label in ("Reading", "Maths", "81%", "38%", "15%", "67%", "25%"):
        assert label in texts
    for name in ("Expected or better", "Above expected or better", "Accelerated"):
        assert name in texts  # the legend


def test_series_are_told_apart_by_hatching_not_only_by_colour() -> None:
    markup = _strands()
    hatched = [h for h in HATCHES[:3] if h]  # the first series is solid
    patterns = set(re.findall(r'<pattern id="(strands-h[0-9a-f]+)"', markup))
    assert len(patterns) == len(hatched)
    used = set(re.findall(r"url\(#(strands-h[0-9a-f]+)\)", markup))
    assert used == patterns  # the bars are filled with the hatches


def test_line_chart_marks_each_series_differently_and_names_the_reference_line() -> None:
    markup = line_chart(
        "pupil-reading",
        "Reading over the year",
        ["Module 1", "Module 2", "Module 3"],
        [Series("Reading", [1, 2, None]), Series("Expected", [1, 1.5, 2])],
        y_label="Step",
        y_ticks=[(1, "Step 1"), (2, "Step 2"), (3, "Step 3")],
        references=[("Target", 3)],
    )
    svg = _parsed(markup)
    texts = _texts(svg)
    for label in ("Module 1", "Module 3", "Step 2", "Target", "Reading", "Expected"):
        assert label in texts
    desc = svg.find(f"{SVG}desc")
    assert desc is not None
    assert "Reading: Module 1 Step 1, Module 2 Step 2." in (desc.text or "")
    assert "Target: Step 3." in (desc.text or "")
    assert len(set(re.findall(r'id="(pupil-reading-m[0-9a-f]+)"', markup))) >= 2  # two markers


def test_ids_carry_the_chart_id_so_two_charts_can_share_a_page() -> None:
    first = comparison_bars("a", "A", ["Cohort"], [Series("This year", [80])])
    second = comparison_bars("b", "B", ["Cohort"], [Series("This year", [80])])
    first_ids = set(re.findall(r'id="([^"]+)"', first))
    second_ids = set(re.findall(r'id="([^"]+)"', second))
    assert all(i.startswith("a-") for i in first_ids)
    assert all(i.startswith("b-") for i in second_ids)
    for reference in re.findall(r"url\(#([^)]+)\)|href=\"#([^\"]+)\"", first):
        assert (reference[0] or reference[1]) in first_ids


def test_the_same_figures_draw_the_same_svg() -> None:
    assert _strands() == _strands()


def test_text_is_escaped_in_the_title_and_description() -> None:
    markup = comparison_bars("esc", "Pupils <b> & co", ["A & B"], [Series("x", [1])])
    svg = _parsed(markup)
    title = svg.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Pupils <b> & co"


@pytest.mark.parametrize("bad", ["1chart", "has space", 'quote"', ""])
def test_a_chart_id_that_is_not_a_safe_name_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="chart id"):
        comparison_bars(bad, "T", ["A"], [Series("x", [1])])


def test_a_series_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="2 values for 1 categories"):
        comparison_bars("c", "T", ["A"], [Series("x", [1, 2])])
