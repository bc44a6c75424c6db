"""Charts for every dashboard and document: line and bar charts drawn on the server by pygal as SVG, shown as
an image in pages and in PDFs (WeasyPrint draws SVG images).

Why an image: pygal styles its SVG with a <style> element, which the site's Content Security Policy
(style-src 'self') would block in an inline <svg>. An SVG shown through <img> is a document of its own that
runs no script and loads nothing, so its own style applies; the picture comes as a data: URI (img-src allows
data:), with no request and no cache to keep. The image is drawn twice, wide and narrow, and a <picture> shows
the narrow one on phones so that its text stays readable there. pygal's script (tooltips) is removed: none
could run anyway.

What the reader gets: axes with their titles and numbers formatted for the active language, a legend when
there is more than one series, and the figures in the image's text alternative. A hidden value (None: a
figure suppressed because it counts fewer than k organisations, grappe.core.aggregates) is never drawn: a line
has a gap there, a bar is absent and its label says "< k"; a caption under the chart says why.

`line()` and `bars()` take plain numbers and serve any app; `line_chart()` and `bar_chart()` take the cells of
grappe.core.aggregates, as the dashboards and briefs hold them.
"""

import base64
from collections.abc import Sequence
from dataclasses import dataclass

import pygal
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from pygal.graph.graph import Graph
from pygal.style import Style

from grappe.core.aggregates import fewer_than

PALETTE = ("#0d6efd", "#d63384", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#dc3545", "#6c757d")
# Wide for the pages' columns and the PDF, narrow for a phone's width (390 px): each is drawn at about the
# size it is shown, so that its 13 px text stays about 13 px.
WIDE, NARROW = 720, 380
PHONE = "(max-width: 575.98px)"  # Bootstrap's "sm" breakpoint

STYLE = Style(
    background="transparent", plot_background="#ffffff", foreground="#212529", foreground_strong="#212529",
    foreground_subtle="#6c757d", colors=PALETTE, font_family='"DejaVu Sans", Verdana, Arial, sans-serif',
    title_font_size=16, label_font_size=13, major_label_font_size=13, legend_font_size=13,
    value_font_size=13, tooltip_font_size=13, opacity=".85", opacity_hover=".85", transition="0s",
    stroke_width="2.5", stroke_width_hover="2.5",
    guide_stroke_color="#dee2e6", major_guide_stroke_color="#dee2e6", guide_stroke_dasharray="none",
    major_guide_stroke_dasharray="none",
)


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


def line(series: Sequence[Series], x_labels: Sequence[str], *, title: str, x_title: str, y_title: str,
         hidden: str = "–", note: str = "") -> SafeString:
    """A line per series over `x_labels`; a None value is a gap in its line, written `hidden` in the text
    alternative. `note` (why some values are hidden) is the caption under the chart."""
    alt = "{}. {}".format(title, " ".join(
        "{}: {}.".format(s.name, ", ".join(f"{x} {hidden if v is None else number(v)}"
                                           for x, v in zip(x_labels, s.values, strict=True)))
        for s in series))

    def draw(width: int) -> pygal.Line:
        narrow = width == NARROW
        chart = pygal.Line(
            _config(width, height=300 if narrow else 340, title=title, legends=len(series), narrow=narrow),
            x_title=x_title, y_title=y_title, allow_interruptions=True, dots_size=3,
            x_labels_major_every=max(1, -(-len(x_labels) // (4 if narrow else 7))), show_minor_x_labels=False,
            truncate_label=-1, truncate_legend=36 if narrow else 44,
            margin_right=32)  # room for the last month's label
        chart.x_labels = list(x_labels)
        _value_axis(chart, [v for s in series for v in s.values], ticks=5 if narrow else 7)
        for s in series:
            chart.add(s.name, list(s.values))
        return chart

    return _figure(draw, alt, note)


def bars(labels: Sequence[str], values: Sequence[float | None], *, title: str, value_title: str,
         hidden: str = "–", note: str = "") -> SafeString:
    """Horizontal bars, one per label (one series: no legend); a None value draws no bar and its label ends
    with `hidden`. `note` (why some values are hidden) is the caption under the chart."""
    alt = "{}. {}".format(title, " ".join(f"{label}: {hidden if value is None else number(value)}."
                                          for label, value in zip(labels, values, strict=True)))

    def draw(width: int) -> pygal.HorizontalBar:
        narrow = width == NARROW
        chart = pygal.HorizontalBar(
            _config(width, height=110 + 32 * max(len(labels), 1), title=title, legends=1, narrow=narrow),
            x_title=value_title, print_values=True, print_values_position="top", truncate_label=-1)
        # pygal draws the first bar at the bottom: reversed, the first comes on top as it is read.
        chart.x_labels = [_short(label if value is not None else f"{label} ({hidden})", 20 if narrow else 36)
                          for label, value in zip(labels[::-1], values[::-1], strict=True)]
        _value_axis(chart, values, ticks=4 if narrow else 7)
        chart.add(value_title, list(values[::-1]))
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
    bar and its label says "< k"."""
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
        formatter=number, no_data_text="–", print_zeroes=True)


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


def _figure(draw, alt: str, note: str) -> SafeString:
    """The chart `draw(width)` makes, as a <figure>: the narrow drawing on phones, the wide one elsewhere."""
    wide, narrow = draw(WIDE), draw(NARROW)
    caption = format_html('<figcaption class="small text-muted">{}</figcaption>', note) if note else ""
    return format_html(
        '<figure class="grappe-chart"><picture><source media="{}" srcset="{}">'
        '<img src="{}" alt="{}" class="img-fluid" width="{}" height="{}"></picture>{}</figure>',
        PHONE, _data_uri(_render(narrow)), _data_uri(_render(wide)), alt, WIDE, wide.config.height, caption)


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")

