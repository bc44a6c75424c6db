from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.html import format_html

from grappe.core import slots
from grappe.core.amounts import format_amount
from grappe.core.forms import widget_css_class

register = template.Library()


@register.filter
def styled(bound_field):
    """Render a field of a form we did not write (e.g. allauth's) with our look, marking it invalid on error."""
    widget = bound_field.field.widget
    css = widget.attrs.get("class", "")
    wanted = widget_css_class(widget)
    if wanted not in css:
        css = f"{css} {wanted}".strip()
    if bound_field.errors:
        css += " is-invalid"
    return bound_field.as_widget(attrs={"class": css})


@register.simple_block_tag
def scroll_box(content, label, testid=""):
    """A wide table's box that scrolls sideways on a phone instead of the page. A keyboard reaches it (tabindex,
    so arrow keys scroll it) and a screen reader names it: every .table-responsive of ours is one of these."""
    test_hook = format_html(' data-testid="{}"', testid) if testid else ""
    return format_html('<div class="table-responsive" tabindex="0" role="region" aria-label="{}"{}>{}</div>',
                       label, test_hook, content)


@register.filter
def grouped(number):
    """A count with the language's thousands separator, whatever USE_THOUSAND_SEPARATOR says: "2,220" in
    English, "2 220" (no-break space) in French. Not a global setting: ids and years must stay ungrouped."""
    if number is None or number == "":
        return number
    return formats.number_format(number, force_grouping=True)


@register.filter
def amount(value):
    """An amount of money as the reader writes it: "12 500,50 $" in French, "$12,500.50" in English. Takes a
    Decimal, or its text as stored in JSON ("12500.50")."""
    if value is None or value == "":
        return value
    return format_amount(Decimal(str(value)))


@register.simple_tag(takes_context=True)
def slot(context, name):
    """What the apps above fill this place of the page with (core.slots), for this request."""
    request = context.get("request")
    return slots.render(name, request) if request is not None else ""
