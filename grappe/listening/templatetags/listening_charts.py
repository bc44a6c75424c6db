"""{% bar_chart bars k title %} and {% line_chart lines months k title %}: the charts of grappe.core.charts
drawn from aggregate cells; {% cell cell k %}: a figure as a table shows it."""

from django import template
from django.utils.html import format_html

from grappe.core import charts
from grappe.core.aggregates import fewer_than

register = template.Library()


@register.simple_tag
def bar_chart(bars, k, title, field="organisations"):
    return charts.bar_chart(bars, k=k, title=title, field=field)


@register.simple_tag
def line_chart(lines, months, k, title):
    return charts.line_chart(lines, months, k=k, title=title)


@register.simple_tag
def cell(cell, k, field="organisations"):
    """A figure as a table shows it: its number, or "< k" (muted, explained on hover: why it is hidden) when
    suppressed. A tag rather than an include: dashboards show hundreds of cells."""
    if cell is None:
        return ""
    if cell.suppressed:
        return format_html('<span class="text-muted" title="{}">&lt; {}</span>', cell.reason or fewer_than(k), k)
    value = getattr(cell, field)
    return "" if value is None else str(value)
