"""A person of an organisation, with the check of the address their account signs in with."""

from django import forms

from grappe.core.forms import StyledFormMixin
from grappe.core.idempotency import OnceFormMixin

from ..models import Person
from ..services.fields import PERSON_FIELDS
from ..services.people import check_person_email


class PersonEmailMixin:
    """A person's address as `actor` may write it (members.services.people.check_person_email: another person's, or
    another account's, is refused). Shared by the organisation's page and the back office."""

    actor = None

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        person = self.instance if self.instance.pk else None  # as stored: the form fills it in after cleaning
        if person is None or email != person.email.lower():
            check_person_email(actor=self.actor, email=email, person=person)
        return email


class PersonForm(PersonEmailMixin, OnceFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = PERSON_FIELDS

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
