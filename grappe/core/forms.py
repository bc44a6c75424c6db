"""What every form of the project shares: our look on every widget, searchable pickers for long lists, a <select>
rendered fast, an amount of money typed in either language, and core's own forms (the audit log's filters, API keys, k)."""

from decimal import Decimal

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .amounts import format_amount, parse_amount
from .idempotency import OnceFormMixin


SEARCHABLE_FROM = 15  # a list longer than this is a picker one can type into (static/grappe/searchable.js)


def searchable(attrs: dict | None = None) -> dict:
    """The attributes that make a <select> a searchable picker (Tom Select, enhanced by static/grappe/searchable.js).
    Without JavaScript the plain <select> stays usable."""
    return {**(attrs or {}), "data-searchable": "", "data-no-results": _("Nothing matches what you typed.")}


def widget_css_class(widget: forms.Widget) -> str:
    """The CSS class of the look we use (Bootstrap) for a kind of widget. A group of radio buttons or checkboxes
    gives it to each of its inputs: templates render such a group option by option (form_fields.html)."""
    if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
        return "form-check-input"
    if isinstance(widget, (forms.Select, forms.SelectMultiple)):
        return "form-select"
    return "form-control"


class StyledFormMixin:
    """Give every widget the CSS class of the look we use, so templates can render fields plainly. A multiple
    <select> is always a searchable picker (nobody should have to Ctrl-click), and so is a long one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = widget_css_class(field.widget)
            if css not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " " + css).strip()
            if self._long_list(field):
                field.widget.attrs.update(searchable())

    @staticmethod
    def _long_list(field: forms.Field) -> bool:
        """A multiple <select>, or a <select> of more than SEARCHABLE_FROM fixed choices (a model's choices are
        not counted here: that would cost a query; such fields say searchable() themselves)."""
        if isinstance(field.widget, forms.SelectMultiple):
            return True
        choices = field.widget.choices if isinstance(field.widget, forms.Select) else None
        return (isinstance(choices, (list, tuple)) and not isinstance(field, forms.ModelChoiceField)
                and len(choices) > SEARCHABLE_FROM)


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

    @classmethod
    def options_html(cls, choices) -> str:
        """The <option>s of flat choices, none selected: what a PreparedSelect is given."""
        return "".join(cls._option(value, label, set()) for value, label in choices)


class QuickTextInput(forms.TextInput):
    """Django's text <input>, with the same markup, written directly (Django renders it through two templates;
    the directory's search box is on every page of new searches)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
        # In their order, as Django's attrs.html writes them (flatatt would sort them).
        attributes = "".join(f" {escape(key)}" if item is True else f' {escape(key)}="{escape(item)}"'
                             for key, item in widget["attrs"].items() if item is not False)
        return mark_safe(  # noqa: S308 — every name and value is escaped
            f'<input type="{escape(widget["type"])}" name="{escape(name)}"{value}{attributes}>')


class PreparedSelect(QuickSelect):
    """A <select> whose options are HTML made once (`QuickSelect.options_html`), set on `options` by the form;
    rendering marks the selected one. For a long list kept ready with the version of what it lists (the
    directory's 376 capabilities): walking and escaping its choices for each page cost more than the search."""

    options = ""

    def render(self, name, value, attrs=None, renderer=None):
        options = self.options
        for chosen in self.format_value(value):
            option = f'<option value="{escape(chosen)}">'
            options = options.replace(option, f'<option value="{escape(chosen)}" selected>', 1)
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}</select>')  # noqa: S308 — escaped


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


class AmountField(forms.DecimalField):
    """An amount of money in CAD typed as people write it in the active language ("12 500,50 $" in French,
    "$12,500.50" in English, or plainly "12500.5"): see grappe.core.amounts. A Decimal with two places."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # A text input, not a number one: spaces, commas and "$" are typed; phones still show digits.
        return {"inputmode": "decimal", "autocomplete": "off"}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        return parse_amount(str(value))

    def prepare_value(self, value):
        return format_amount(value) if isinstance(value, Decimal) else value
