"""Charts: axes with their titles, a legend from two series on, hidden values never drawn, numbers written as
the reader's language writes them, no script, and a text alternative that carries the figures."""

import base64
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from django.conf import settings
from django.utils import translation

from grappe.core import charts
from grappe.core.aggregates import Cell

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["2026-01", "2026-02", "2026-03"]


def drawings(html: str) -> list[ET.Element]:
    """The SVG documents of a chart's figure (wide, medium and narrow), parsed."""
    return [ET.fromstring(base64.b64decode(uri))
            for uri in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)]


def texts(svg: ET.Element) -> list[str]:
    return [t.text for t in svg.iter(f"{SVG}text") if t.text]


def of_class(svg: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [e for e in svg.iter(f"{SVG}{tag}") if name in e.get("class", "").split()]


def shown(n: int) -> Cell:
    return Cell(key=n, suppressed=False, organisations=n, items=n)


HIDDEN = Cell(key="hidden", suppressed=True)


def test_a_chart_is_a_figure_of_three_svg_drawings_without_script_or_inline_style():
    html = charts.line(
        [charts.Series("A", [1, 2, 3])], MONTHS, title="Title", x_title="Month", y_title="Organisations")
    assert html.startswith('<figure class="grappe-chart"><img ')
    assert "style=" not in html and "<script" not in html
    # The wide one is the default (and a PDF's); the page's CSS shows a narrower one in a narrower column.
    images = r'<img [^>]*class="grappe-chart-(\d+) img-fluid" width="\1" height="\d+"( hidden)?>'
    assert re.findall(images, html) == [("720", ""), ("540", " hidden"), ("360", " hidden")]
    for svg, width in zip(drawings(html), charts.WIDTHS, strict=True):
        assert svg.tag == f"{SVG}svg" and svg.get("viewBox").split()[2] == str(width)
        assert not list(svg.iter(f"{SVG}script")) and not of_class(svg, "g", "tooltip")
        assert "http" not in ET.tostring(svg, encoding="unicode").replace("http://www.w3.org/", "")


def test_no_text_is_drawn_under_13_px_and_the_page_never_shows_a_drawing_under_12_13_of_its_size():
    """The browser test measures the text as shown; this holds its two halves: the sizes the SVG gives its
    text, and the container widths grappe.css picks each drawing from (a drawing shown narrower than 12/13
    of its width would shrink its 13 px text under 12 px)."""
    assert charts.LABEL_PX == 13
    for html in (charts.line([charts.Series("A", [1, None, 3]), charts.Series("B", [2, 2, 2])], MONTHS,
                             title="T", x_title="x", y_title="y", note="n"),
                 charts.bars(["Export", "Workforce"], [4, None], title="T", value_title="v", hidden="< 5")):
        for svg in drawings(html):
            (style,) = [e.text for e in svg.iter(f"{SVG}style")]
            sizes = re.findall(r"([^{}]*)\{[^}]*font-size:(\d+)px", style)
            assert sizes and all(int(px) >= 13 for rule, px in sizes if "tooltip" not in rule), sizes
    css = (Path(settings.BASE_DIR) / "grappe" / "static" / "grappe" / "grappe.css").read_text()
    smallest = {width: float(px) for px, width in re.findall(
        r"@container \(min-width: ([\d.]+)px\)[^{]*\{ \.grappe-chart \.grappe-chart-(\d+)", css)}
    hides_wide = float(re.search(r"@container \(max-width: ([\d.]+)px\) \{ \.grappe-chart \.grappe-chart-720 "
                                 r"\{ display: none", css).group(1))
    assert smallest == {"540": 499.0}
    assert hides_wide + 0.02 >= 720 * 12 / 13 and smallest["540"] >= 540 * 12 / 13


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
        assert {"Other", "< 5", "12"} <= set(texts(svg))


def test_a_hidden_month_is_a_gap_and_a_true_zero_a_point():
    """A month of fewer than k organisations read as zero was the old defect: only a counted zero is drawn."""
    zero = Cell(key="zero", suppressed=False, organisations=0, items=0)
    html = charts.line_chart([{"name": "T", "cells": [HIDDEN, zero, shown(6)]}], MONTHS, k=5, title="T")
    for svg in drawings(html):
        assert len(of_class(svg, "circle", "dot")) == 2
    assert "2026-01 &lt; 5, 2026-02 0, 2026-03 6" in html and "figcaption" in html


def test_a_hidden_bar_says_so_in_its_place_and_nothing_hidden_is_written_as_a_figure():
    long = "Chaîne d'approvisionnement et logistique"
    html = charts.bars([long, "Export", "Innovation"], [None, None, 0], title="T", value_title="v",
                       hidden="< 5")
    for svg in drawings(html):
        (overlay,) = of_class(svg, "g", "text-overlay")
        assert [t.text for t in overlay.iter(f"{SVG}text")] == ["0", "< 5", "< 5"]  # bottom up
        assert "–" not in texts(svg)
    assert f"{long}: &lt; 5. Export: &lt; 5. Innovation: 0." in html.replace("&#x27;", "'")


def test_a_chart_without_bars_is_drawn_empty():
    empty = charts.bars([], [], title="T", value_title="v")
    assert all(not of_class(svg, "rect", "rect") for svg in drawings(empty))


def test_a_chart_drawn_again_comes_from_memory_in_its_own_language():
    def draw():
        return charts.bars(["Export"], [1234], title="T", value_title="Organisations")

    with translation.override("fr"):
        french = draw()
        assert draw() == french  # pygal names each drawing at random: equal only when kept
    with translation.override("en"):
        english = draw()
    assert english != french and any("1,234" in texts(svg) for svg in drawings(english))


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
