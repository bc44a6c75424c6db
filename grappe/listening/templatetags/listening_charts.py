"""{% bar_chart bars k title %} and {% line_chart lines months k title %}: inline SVG charts (charts.py)."""

from django import template

from .. import charts

register = template.Library()


@register.simple_tag
def bar_chart(bars, k, title, field="organisations"):
    return charts.bar_chart(bars, k=k, title=title, field=field)


@register.simple_tag
def line_chart(lines, months, k, title):
    return charts.line_chart(lines, months, k=k, title=title)


@register.filter
def figure(cell, field="organisations"):
    """A cell's number, or "< k" when suppressed (the caller passes k through `fewer`)."""
    if cell is None or cell.suppressed:
        return None
    return getattr(cell, field)
