"""What an organisation's admin asks a colleague: whom, what (a kind, with its subject when it has one: one list
grouped by kind), a note and a date."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import SEARCHABLE_FROM, StyledFormMixin, searchable
from grappe.core.idempotency import OnceFormMixin

from .. import request_subjects
from ..models import RequestKind
from ..services.colleague_requests import colleagues

SEPARATOR = ":"  # "survey:12": a kind and the id of its subject


def what_choices(organisation) -> list:
    """The kinds that need no subject, then one group per kind that has subjects open to the organisation now."""
    plain = [(kind.value, kind.label) for kind in RequestKind if not request_subjects.takes_subject(kind)]
    groups = [(kind.label, [(f"{kind.value}{SEPARATOR}{item.id}", item.label)
                            for item in request_subjects.options(kind, organisation)])
              for kind in RequestKind if request_subjects.takes_subject(kind)]
    return [("", "—"), *plain, *[group for group in groups if group[1]]]


class ColleagueRequestForm(OnceFormMixin, StyledFormMixin, forms.Form):
    colleague = forms.ModelChoiceField(label=_("Colleague"), queryset=None,
                                       help_text=_("A person of your organisation who has an account."))
    what = forms.ChoiceField(label=_("What to do"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Optional, except for something else: say what you ask."))
    due_on = forms.DateField(label=_("Due by"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, organisation, actor, **kwargs):
        super().__init__(*args, **kwargs)
        people = colleagues(organisation, actor)
        self.fields["colleague"].queryset = people
        self.fields["colleague"].label_from_instance = lambda user: user.person.full_name
        self.fields["what"].choices = what_choices(organisation)
        if people.count() > SEARCHABLE_FROM:
            self.fields["colleague"].widget.attrs.update(searchable())

    def clean_what(self):
        kind, _sep, subject_id = self.cleaned_data["what"].partition(SEPARATOR)
        return kind, int(subject_id) if subject_id else None
