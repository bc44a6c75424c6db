from django import forms
from django.utils.translation import gettext_lazy as _


class StyledFormMixin:
    """Give every widget the CSS class of the look we use, so templates can render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class AuditFilterForm(StyledFormMixin, forms.Form):
    actor = forms.CharField(label=_("Who"), required=False)
    action = forms.CharField(label=_("Action"), required=False)
    target = forms.CharField(label=_("Object"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
