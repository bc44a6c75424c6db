"""The programs' template filters: `percent`, a share or a rate as services.applications.percent_text writes it,
with its sign ("60 %", "26,67 %" in French), the one way the programs' pages show a percentage; `filesize`, a
document's size as core.filetypes.size_text writes it (also in the messages of a refused upload)."""

from decimal import Decimal

from django import template

from grappe.core.filetypes import size_text

from ..services.applications import percent_text

register = template.Library()


@register.filter
def percent(value) -> str:
    """A percentage without trailing zeros, a non-breaking space before its sign; nothing for no value."""
    if value is None or value == "":
        return ""
    return f"{percent_text(Decimal(str(value)))}\u00a0%"


@register.filter
def filesize(size) -> str:
    """A document's size in kilobytes or megabytes ("340 Ko", "2,5 Mo" in French)."""
    return "" if size is None else size_text(int(size))
