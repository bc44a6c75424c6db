"""Bar and line charts as inline SVG, drawn on the server from aggregate cells (grappe.core.aggregates.Cell).

The Content Security Policy allows no script or style="" of our own making in a page, so charts are SVG
markup with presentation attributes (fill=, stroke=) only. The same markup goes into the brief's PDF
(WeasyPrint draws SVG). A suppressed cell has no number: it is drawn hatched with "< k" instead of a value,
and a line chart leaves a gap there. Every text is escaped.
"""

import itertools

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

PALETTE = ("#0d6efd", "#d63384", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#dc3545", "#6c757d")
HATCH_COLOUR = "#adb5bd"
TEXT_COLOUR = "#212529"
MUTED = "#6c757d"
_ids = itertools.count(1)


def _hatch(pattern_id: str) -> str:
    return (f'<defs><pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f8f9fa"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH_COLOUR}" stroke-width="3"/></pattern></defs>')


def _value(cell, field: str):
    return None if cell.suppressed else getattr(cell, field)


def _number(value) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if isinstance(value, float) and not float(value).is_integer() else f"{int(value)}"


def bar_chart(bars: list[dict], *, k: int, title: str, field: str = "organisations",
              width: int = 640) -> SafeString:
    """Horizontal bars, one per {"label", "cell"}; the value shown is `cell.<field>` (organisations by
    default, or "mean"). Suppressed bars are hatched and say "< k"."""
    pattern = f"hatch{next(_ids)}"
    label_width, row, top = 210, 26, 8
    plot = width - label_width - 60
    values = [_value(bar["cell"], field) or 0 for bar in bars]
    scale = plot / max(max(values, default=0), 1)
    height = top + row * len(bars) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="grappe-chart" role="img" viewBox="0 0 {width} '
             f'{height}" width="100%" aria-label="{escape(title)}"><title>{escape(title)}</title>{_hatch(pattern)}']
    for index, bar in enumerate(bars):
        y = top + index * row
        cell = bar["cell"]
        parts.append(f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" font-size="12" '
                     f'fill="{TEXT_COLOUR}">{escape(_short(bar["label"], 32))}</text>')
        if cell.suppressed:
            parts.append(f'<rect x="{label_width}" y="{y + 3}" width="40" height="18" fill="url(#{pattern})" '
                         f'stroke="{HATCH_COLOUR}"><title>{escape(_fewer(k))}</title></rect>'
                         f'<text x="{label_width + 46}" y="{y + 16}" font-size="12" fill="{MUTED}">&lt; {k}</text>')
            continue
        value = _value(cell, field) or 0
        length = max(value * scale, 1 if value else 0)
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="18" '
                     f'fill="{PALETTE[0]}"/><text x="{label_width + length + 6:.1f}" y="{y + 16}" font-size="12" '
                     f'fill="{TEXT_COLOUR}">{_number(value)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(lines: list[dict], months: list[str], *, k: int, title: str, width: int = 640,
               height: int = 240) -> SafeString:
    """One line per {"name", "cells"} (a cell per month): organisations per month. A suppressed month is a
    gap in the line with a hatched mark and "< k" below it."""
    pattern = f"hatch{next(_ids)}"
    left, right, top, bottom = 36, 12, 24, 46  # the top margin holds the note on hatching
    legend = 18 * ((len(lines) + 1) // 2)
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([c.organisations or 0 for line in lines for c in line["cells"] if not c.suppressed] + [k, 1])
    step = plot_w / max(len(months) - 1, 1)

    def x(i):
        return left + i * step

    def y(v):
        return top + plot_h - v / peak * plot_h

    total_h = height + legend
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="grappe-chart" role="img" viewBox="0 0 {width} '
             f'{total_h}" width="100%" aria-label="{escape(title)}"><title>{escape(title)}</title>{_hatch(pattern)}',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{MUTED}"/>',
             f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" font-size="10" fill="{MUTED}">{peak}</text>',
             f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="10" fill="{MUTED}">0</text>']
    every, last = max(1, len(months) // 6), len(months) - 1
    for i, month in enumerate(months):
        if i == last or (i % every == 0 and last - i >= every):  # regular labels, never crowding the last
            anchor = "end" if i == last else "middle"  # the last label stays inside the chart
            parts.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 14}" text-anchor="{anchor}" font-size="10" '
                         f'fill="{MUTED}">{escape(month)}</text>')
    for n, line in enumerate(lines):
        colour = PALETTE[n % len(PALETTE)]
        segment: list[str] = []
        for i, cell in enumerate(line["cells"]):
            if cell.suppressed:
                parts.extend(_polyline(segment, colour))
                segment = []
                parts.append(f'<rect x="{x(i) - 4:.1f}" y="{top + plot_h - 8}" width="8" height="8" '
                             f'fill="url(#{pattern})" stroke="{HATCH_COLOUR}"><title>{escape(line["name"])}, '
                             f'{escape(months[i])}: {escape(_fewer(k))}</title></rect>')
                continue
            value = cell.organisations or 0
            segment.append(f"{x(i):.1f},{y(value):.1f}")
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3" fill="{colour}"><title>'
                         f'{escape(line["name"])}, {escape(months[i])}: {value}</title></circle>')
        parts.extend(_polyline(segment, colour))
        lx, ly = left + (n % 2) * (plot_w / 2), height - 14 + 18 * (n // 2)
        parts.append(f'<rect x="{lx:.1f}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{lx + 14:.1f}" y="{ly}" font-size="11" fill="{TEXT_COLOUR}">'
                     f'{escape(_short(line["name"], 40))}</text>')
    note = _("hatched: %(fewer)s") % {"fewer": _fewer(k)}
    parts.append(f'<text x="{width - right}" y="12" text-anchor="end" font-size="10" '
                 f'fill="{MUTED}">{escape(note)}</text></svg>')
    return mark_safe("".join(parts))


def _polyline(points: list[str], colour: str) -> list[str]:
    if len(points) < 2:
        return []
    return [f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>']


def _short(text: str, length: int) -> str:
    text = str(text)
    return text if len(text) <= length else text[:length - 1] + "…"


def _fewer(k: int) -> str:
    from grappe.core.aggregates import fewer_than

    return fewer_than(k)
