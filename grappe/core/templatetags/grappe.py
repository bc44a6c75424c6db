from django import template

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
