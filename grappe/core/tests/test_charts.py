"""Charts: axes with their titles, a legend from two series on, hidden values never drawn, numbers written as
the reader's language writes them, no script, and a text alternative that carries the figures."""

import base64
import re
import xml.etree.ElementTree as ET

from django.utils import translation

from grappe.core import charts
from grappe.core.aggregates import Cell

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["2026-01", "2026-02", "2026-03"]


def drawings(html: str) -> list[ET.Element]:
    """The SVG documents a chart's <picture> shows (narrow first, then wide), parsed."""
    return [ET.fromstring(base64.b64decode(uri))
            for uri in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)]


def texts(svg: ET.Element) -> list[str]:
    return [t.text for t in svg.iter(f"{SVG}text") if t.text]


def of_class(svg: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [e for e in svg.iter(f"{SVG}{tag}") if name in e.get("class", "").split()]


def shown(n: int) -> Cell:
    return Cell(key=n, suppressed=False, organisations=n, items=n)


HIDDEN = Cell(key="hidden", suppressed=True)


def test_a_chart_is_a_picture_of_two_svg_drawings_without_script_or_inline_style():
    html = charts.line(
        [charts.Series("A", [1, 2, 3])], MONTHS, title="Title", x_title="Month", y_title="Organisations")
    assert html.startswith('<figure class="grappe-chart"><picture><source media="(max-width: 575.98px)"')
    assert "style=" not in html and "<script" not in html
    narrow, wide = drawings(html)
    for svg in (narrow, wide):
        assert svg.tag == f"{SVG}svg"
        assert not list(svg.iter(f"{SVG}script")) and not of_class(svg, "g", "tooltip")
        assert "http" not in ET.tostring(svg, encoding="unicode").replace("http://www.w3.org/", "")
    assert narrow.get("viewBox").split()[2] == str(charts.NARROW) and wide.get("viewBox").split()[2] == "720"


def test_axes_have_their_titles_and_labels():
    html = charts.line([charts.Series("A", [1, 2, 3])], MONTHS, title="Title", x_title="Month",
                       y_title="Organisations")
    for svg in drawings(html):
        words = texts(svg)
        assert {"Title", "Month", "Organisations", "2026-01", "0"} <= set(words)
    bars = charts.bars(["Export", "Workforce"], [4, 9], title="By category", value_title="Organisations")
    for svg in drawings(bars):
        assert {"By category", "Organisations", "Export", "Workforce", "4", "9"} <= set(texts(svg))


def test_a_legend_only_from_two_series_on():
    one = charts.line([charts.Series("Alone", [1, 2, 3])], MONTHS, title="T", x_title="x", y_title="y")
    two = charts.line([charts.Series("First", [1, 2, 3]), charts.Series("Second", [3, 2, 1])], MONTHS,
                      title="T", x_title="x", y_title="y")
    assert all(not of_class(svg, "g", "legends") for svg in drawings(one))
    for svg in drawings(two):
        (legends,) = of_class(svg, "g", "legends")
        assert [t.text for t in legends.iter(f"{SVG}text")] == ["First", "Second"]


def test_hidden_values_are_never_drawn():
    line = charts.line_chart([{"name": "T", "cells": [shown(6), HIDDEN, shown(7)]}], MONTHS, k=5, title="T")
    for svg in drawings(line):
        assert len(of_class(svg, "circle", "dot")) == 2
        # no segment joins them
        assert not [p for p in of_class(svg, "path", "line") if "nofill" in p.get("class")]
    assert "&lt; 5" in line and "figcaption" in line
    joined = charts.line_chart([{"name": "T", "cells": [shown(6), shown(8), HIDDEN]}], MONTHS, k=5, title="T")
    assert all(len([p for p in of_class(svg, "path", "line") if "nofill" in p.get("class")]) == 1
               for svg in drawings(joined))
    bars = charts.bar_chart([{"label": "Export", "cell": shown(12)}, {"label": "Other", "cell": HIDDEN}], k=5,
                            title="T")
    for svg in drawings(bars):
        assert len(of_class(svg, "rect", "rect")) == 1
        assert "Other (< 5)" in texts(svg) and "12" in texts(svg)


def test_nothing_hidden_needs_no_caption():
    bars = charts.bar_chart([{"label": "Export", "cell": shown(12)}], k=5, title="T")
    assert "figcaption" not in bars


def test_numbers_are_written_as_the_language_writes_them():
    with translation.override("fr"):
        assert re.fullmatch(r"1\s234,5", charts.number(1234.5))
        html = charts.bars(["Export"], [1234], title="T", value_title="Organisations")
        assert any(re.fullmatch(r"1\s234", t) for svg in drawings(html) for t in texts(svg))
    with translation.override("en"):
        assert charts.number(1234.5) == "1,234.5" and charts.number(None) == "–"


def test_the_text_alternative_carries_the_figures_and_every_text_is_escaped():
    html = charts.line_chart([{"name": "Export <b>", "cells": [shown(6), HIDDEN, shown(7)]},
                              {"name": "Energy", "cells": [shown(8), shown(9), shown(5)]}], MONTHS, k=5,
                             title="Themes & months")
    alt = re.search(r'alt="([^"]*)"', html).group(1)
    assert alt == ("Themes &amp; months. Export &lt;b&gt;: 2026-01 6, 2026-02 &lt; 5, 2026-03 7. "
                   "Energy: 2026-01 8, 2026-02 9, 2026-03 5.")
    assert all("Export <b>" in texts(svg) for svg in drawings(html))  # parsed back: escaped in the SVG


def test_averages_keep_their_decimal_and_their_axis_title():
    cell = Cell(key="q", suppressed=False, organisations=6, items=6, mean=3.25)
    with translation.override("en"):
        html = charts.bar_chart([{"label": "Question", "cell": cell}], k=5, title="T", field="mean")
    assert "Question: 3.2." in html or "Question: 3.3." in html
    assert all("Average" in texts(svg) and "3.2" in "".join(texts(svg)) for svg in drawings(html))


def test_the_value_axis_has_four_to_six_round_ticks():
    for peak in (1, 3, 7, 18, 36, 240, 4.6):
        chart = charts.pygal.Line()
        charts._value_axis(chart, [0, None, peak], ticks=7)
        assert 4 <= len(chart.y_labels) <= 6, (peak, chart.y_labels)
        assert chart.y_labels[0] == 0 and chart.y_labels[-1] >= peak
        step = chart.y_labels[1]
        assert str(step).rstrip("0").rstrip(".").lstrip("0.")[:1] in "125"
