"""Forms of listening's themes: the staff rename, merge and split themes, and move a text to another theme."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin, searchable


class ThemeRenameForm(StyledFormMixin, forms.Form):
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)


class ThemeMergeForm(StyledFormMixin, forms.Form):
    themes = forms.TypedMultipleChoiceField(label=_("Themes to merge"), coerce=int)
    into = forms.TypedChoiceField(label=_("Into"), coerce=int)

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(t.pk, t.name) for t in themes]
        self.fields["themes"].choices = choices
        self.fields["into"].choices = choices
        self.fields["into"].widget.attrs.update(searchable())


class ThemeSplitForm(forms.Form):
    parts = forms.IntegerField(label=_("Parts"), min_value=2, max_value=6, initial=2)


class ReassignForm(forms.Form):
    kind = forms.ChoiceField(choices=[("need", "need"), ("answer", "answer")])
    item = forms.IntegerField(min_value=1)
    theme = forms.TypedChoiceField(label=_("Move to"), coerce=int)

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [(t.pk, t.name) for t in themes]
