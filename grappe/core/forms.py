from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .idempotency import OnceFormMixin


def widget_css_class(widget: forms.Widget) -> str:
    """The CSS class of the look we use (Bootstrap) for a kind of widget."""
    if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
        return "form-check-input"
    if isinstance(widget, (forms.Select, forms.SelectMultiple)):
        return "form-select"
    return "form-control"


class StyledFormMixin:
    """Give every widget the CSS class of the look we use, so templates can render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = widget_css_class(field.widget)
            if css not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " " + css).strip()


class QuickSelect(forms.Select):
    """Django's <select>, with the same markup, written directly. Django renders each option through two
    included templates: for the 376 capabilities of the directory's filter that cost more than the search
    itself (bench/directory.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        parts = [f'<select name="{escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>']
        for choice, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(f'<optgroup label="{escape(choice)}">')
                parts.extend(self._option(value, text, selected) for value, text in label)
                parts.append("</optgroup>")
            else:
                parts.append(self._option(choice, label, selected))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 — every value and label above is escaped

    @staticmethod
    def _option(value, label, selected: set) -> str:
        value = "" if value is None else str(value)
        marked = " selected" if value in selected else ""
        return f'<option value="{escape(value)}"{marked}>{escape(label)}</option>'


class AuditFilterForm(StyledFormMixin, forms.Form):
    actor = forms.CharField(label=_("Who"), required=False)
    action = forms.CharField(label=_("Action"), required=False)
    target = forms.CharField(label=_("Object"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ApiTokenForm(OnceFormMixin, StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("What is this key for?"), max_length=100,
                           widget=forms.TextInput(attrs={"placeholder": _("e.g. CRM sync")}))


class AnonymityThresholdForm(StyledFormMixin, forms.Form):
    k = forms.IntegerField(
        label=_("Anonymity threshold (k)"), min_value=2, max_value=50,
        help_text=_("Every figure about fewer than this many distinct organisations is hidden from those who may "
                    "not see the answers behind it (observers, members, published briefs)."))
