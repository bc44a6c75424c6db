"""Charts for every dashboard and document: line and bar charts drawn on the server by pygal as SVG, shown as
an image in pages and in PDFs (WeasyPrint draws SVG images).

Why an image: pygal styles its SVG with a <style> element, which the site's Content Security Policy
(style-src 'self') would block in an inline <svg>. An SVG shown through <img> is a document of its own that
runs no script and loads nothing, so its own style applies; the picture comes as a data: URI (img-src allows
data:), with no request and no cache to keep. pygal's script (tooltips) is removed: none could run anyway.

Why three drawings: an image's text shrinks with the image. Each chart is drawn 720, 540 and 360 px wide with
13 px text, and grappe.css shows, by a container query on the chart's own width (a half column on a desktop
is as narrow as a phone), the widest drawing that is shown at 12/13 of its size or more: its text is never
under 12 px on any screen. The narrower drawings carry `hidden`, so what knows no container query (a PDF)
shows the wide one.

What the reader gets: axes with their titles and numbers formatted for the active language, a legend when
there is more than one series, and the figures in the image's text alternative. A hidden value (None: a
figure suppressed because it counts fewer than k organisations, grappe.core.aggregates) is never drawn: a line
has a gap there (never a point on the zero line), a bar is absent and "< k" is written in its place; a caption
under the chart says why.

Drawing a chart three times takes pygal about 30 to 100 ms: a chart is kept, in each process's memory, under
everything it is drawn from (its figures, its words and the language numbers are written in), so a dashboard
read again draws nothing.

`line()` and `bars()` take plain numbers and serve any app; `line_chart()` and `bar_chart()` take the cells of
grappe.core.aggregates, as the dashboards and briefs hold them.
"""

import base64
import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

import pygal
from django.core.cache import caches
from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from pygal.graph.graph import Graph
from pygal.style import Style

from grappe.core.aggregates import fewer_than

PALETTE = ("#0d6efd", "#d63384", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#dc3545", "#6c757d")
# The widths each chart is drawn at, widest first (the default and the PDF's); grappe.css's container queries
# (.grappe-chart-720, -540, -360) choose among them: change both together.
WIDE, MEDIUM, NARROW = 720, 540, 360
WIDTHS = (WIDE, MEDIUM, NARROW)
# The smallest text a reader gets: 13 px drawn, shown at 12/13 of its size or more.
LABEL_PX = 13

STYLE = Style(
    background="transparent", plot_background="#ffffff", foreground="#212529", foreground_strong="#212529",
    foreground_subtle="#6c757d", colors=PALETTE, font_family='"DejaVu Sans", Verdana, Arial, sans-serif',
    title_font_size=16, label_font_size=LABEL_PX, major_label_font_size=LABEL_PX, legend_font_size=LABEL_PX,
    value_font_size=LABEL_PX, value_label_font_size=LABEL_PX, tooltip_font_size=LABEL_PX,
    no_data_font_size=LABEL_PX,
    opacity=".85", opacity_hover=".85", transition="0s",
    stroke_width="2.5", stroke_width_hover="2.5",
    guide_stroke_color="#dee2e6", major_guide_stroke_color="#dee2e6", guide_stroke_dasharray="none",
    major_guide_stroke_dasharray="none",
)


def _kept(draw_chart):
    """`draw_chart`'s figure, kept a day in the process's memory under what it is drawn from."""

    @functools.wraps(draw_chart)
    def kept(*args, **kwargs) -> SafeString:
        made_of = json.dumps([draw_chart.__name__, WIDTHS, translation.get_language(), args, kwargs],
                             default=str, sort_keys=True)
        key = "grappe.charts:" + hashlib.sha256(made_of.encode()).hexdigest()
        figure = caches["local"].get(key)
        if figure is None:
            figure = draw_chart(*args, **kwargs)
            caches["local"].set(key, figure, 24 * 3600)
        return figure

    return kept


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its name (the legend) and one value per x label, None where hidden."""

    name: str
    values: Sequence[float | None]


def number(value: float | None) -> str:
    """A value as the reader's language writes it ("1 234,5" in French), "–" when there is none."""
    if value is None:
        return "–"
    whole = float(value).is_integer()
    return formats.number_format(int(value) if whole else value, 0 if whole else 1, force_grouping=True)


@_kept
def line(series: Sequence[Series], x_labels: Sequence[str], *, title: str, x_title: str, y_title: str,
         hidden: str = "–", note: str = "") -> SafeString:
    """A line per series over `x_labels`; a None value is a gap in its line, written `hidden` in the text
    alternative. `note` (why some values are hidden) is the caption under the chart."""
    alt = "{}. {}".format(title, " ".join(
        "{}: {}.".format(s.name, ", ".join(f"{x} {hidden if v is None else number(v)}"
                                           for x, v in zip(x_labels, s.values, strict=True)))
        for s in series))

    def draw(width: int) -> pygal.Line:
        narrow = width < WIDE
        # About one x label per 100 px: a 13 px "2026-01" is 60 px wide.
        labels = max(2, width // 100)
        chart = pygal.Line(
            _config(width, height=300 if narrow else 340, title=title, legends=len(series), narrow=narrow),
            x_title=x_title, y_title=y_title, allow_interruptions=True, dots_size=3,
            x_labels_major_every=max(1, -(-len(x_labels) // labels)), show_minor_x_labels=False,
            truncate_label=-1, truncate_legend=36 if narrow else 44,
            margin_right=32)  # room for the last month's label
        chart.x_labels = list(x_labels)
        _value_axis(chart, [v for s in series for v in s.values], ticks=5 if narrow else 6)
        for s in series:
            chart.add(s.name, list(s.values))
        return chart

    return _figure(draw, alt, note)


@_kept
def bars(labels: Sequence[str], values: Sequence[float | None], *, title: str, value_title: str,
         hidden: str = "–", note: str = "") -> SafeString:
    """Horizontal bars, one per label (one series: no legend); a None value draws no bar: `hidden` is written
    in its place. `note` (why some values are hidden) is the caption under the chart."""
    alt = "{}. {}".format(title, " ".join(f"{label}: {hidden if value is None else number(value)}."
                                          for label, value in zip(labels, values, strict=True)))

    def draw(width: int) -> pygal.HorizontalBar:
        narrow = width < WIDE
        chart = pygal.HorizontalBar(
            _config(width, height=110 + 32 * max(len(labels), 1), title=title, legends=1, narrow=narrow),
            x_title=value_title, print_values=True, print_values_position="top", truncate_label=-1)
        # pygal draws the first bar at the bottom: reversed, the first comes on top as it is read. A 13 px
        # letter is about 7 px wide: the labels take at most about 40% of the width.
        chart.x_labels = [_short(label, width * 2 // 5 // 7) for label in labels[::-1]]
        _value_axis(chart, values, ticks=4 if width == NARROW else 6)
        chart.add(value_title, list(values[::-1]))
        chart.add_xml_filter(lambda root: _mark_hidden_bars(root, [v is None for v in values[::-1]], hidden))
        return chart

    return _figure(draw, alt, note)


# Aggregates' cells -----------------------------------------------------------------------------------------

def line_chart(lines: list[dict], months: list[str], *, k: int, title: str) -> SafeString:
    """Organisations per month: a line per {"name", "cells"} (a cell per month), a gap where suppressed."""
    series = [Series(line["name"], [None if c.suppressed else c.organisations or 0 for c in line["cells"]])
              for line in lines]
    hidden = any(v is None for s in series for v in s.values)
    return line(series, months, title=title, x_title=_("Month"), y_title=_("Organisations"), hidden=f"< {k}",
                note=_("A gap in a line: %(fewer)s.") % {"fewer": fewer_than(k)} if hidden else "")


def bar_chart(rows: list[dict], *, k: int, title: str, field: str = "organisations") -> SafeString:
    """A bar per {"label", "cell"} showing `cell.<field>` (organisations, or "mean"); a suppressed cell has no
    bar: "< k" is written in its place."""
    values = [None if row["cell"].suppressed else getattr(row["cell"], field) or 0 for row in rows]
    note = _("“< %(k)d”: %(fewer)s, not drawn.") % {"k": k, "fewer": fewer_than(k)} if None in values else ""
    value_title = _("Average") if field == "mean" else _("Organisations")
    return bars([str(row["label"]) for row in rows], values, title=title, value_title=value_title,
                hidden=f"< {k}", note=note)


# Drawing ---------------------------------------------------------------------------------------------------

def _config(width: int, *, height: int, title: str, legends: int, narrow: bool) -> pygal.Config:
    """What every chart shares; a legend under the plot when there is more than one series."""
    columns = 1 if narrow else 2
    # pygal keeps room for legends // columns rows under the plot: add the row it misses, and its height
    # grows with the rows so that the plot keeps its size.
    rows = -(-legends // columns) if legends > 1 else 0
    missed = rows - legends // columns if legends > 1 else 0
    return pygal.Config(
        width=width, height=height + 21 * rows, title=title, style=STYLE, js=[], disable_xml_declaration=True,
        show_legend=legends > 1, legend_at_bottom=True, legend_at_bottom_columns=columns, legend_box_size=13,
        margin=8, margin_bottom=8 + 21 * missed + 4, spacing=10, show_x_guides=False, value_formatter=number,
        formatter=number, no_data_text="", print_zeroes=True)  # every value hidden: each bar says "< k"


def _value_axis(chart, values: Sequence[float | None], *, ticks: int) -> None:
    """From 0, with 4 to 6 round ticks (gridlines): whole numbers when every value is whole (counts of
    organisations), else steps of 0.5 and up."""
    known = [v for v in values if v is not None]
    peak = max(known, default=0) or 1
    whole = all(float(v).is_integer() for v in known)
    steps = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10**4, 10**5, 10**6, 10**9)
    if not whole:
        steps = (0.1, 0.2, 0.5, *steps)
    step = next(s for s in steps if -(-peak // s) <= min(ticks, 6) - 1)
    intervals = max(int(-(-peak // step)), 3)
    chart.y_labels = [round(step * i, 1) if not whole else int(step * i) for i in range(intervals + 1)]
    chart.range = (0, step * intervals)


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"


def _render(chart: Graph) -> str:
    chart.add_xml_filter(_without_scripts)
    return chart.render(is_unicode=True)


def _without_scripts(root):
    """pygal's tooltips need its script, which an image never runs: drop the script and the tooltips' box."""
    for parent in root.iter():
        for child in list(parent):
            if child.tag == "script" or (child.tag == "g" and "tooltip" in child.get("class", "").split()):
                parent.remove(child)
    return root


def _mark_hidden_bars(root, hidden_bars: list[bool], mark: str):
    """Write `mark` where each hidden bar would start, level with its label, as pygal writes a bar's value:
    the reader sees "< 5" in the bar's place rather than an empty row that would read as zero."""
    if not any(hidden_bars):  # nor any bar at all: pygal drew no axis
        return root
    groups = {group.get("class"): group for group in root.iter("g")}
    labels = [guide.find("text") for guide in groups["axis y"].findall("g")]
    zero = groups["axis x always_show"].find("g").find("text").get("x")
    overlay = groups["plot text-overlay"]
    for label, is_hidden in zip(labels, hidden_bars, strict=True):
        if is_hidden:
            place = {"text-anchor": "start", "x": f"{float(zero) + 4:.2f}", "y": label.get("y"), "class": "value"}
            overlay.append(overlay.makeelement("text", place))
            overlay[-1].text = mark
    return root


def _figure(draw, alt: str, note: str) -> SafeString:
    """The chart `draw(width)` makes, as a <figure> of its drawings at every width (see the module's doc)."""
    caption = format_html('<figcaption class="small text-muted">{}</figcaption>', note) if note else ""
    images = []
    for width in WIDTHS:
        chart = draw(width)
        images.append(format_html(
            '<img src="{}" alt="{}" class="grappe-chart-{} img-fluid" width="{}" height="{}"{}>',
            _data_uri(_render(chart)), alt, width, width, chart.config.height,
            "" if width == WIDE else mark_safe(" hidden")))
    return format_html('<figure class="grappe-chart">{}{}</figure>', mark_safe("".join(images)), caption)


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")

