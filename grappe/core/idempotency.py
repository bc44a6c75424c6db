"""Doing a form's work once per form token, whatever the number of clicks or concurrent requests."""

import uuid
from collections.abc import Callable

from django import forms
from django.db import IntegrityError, transaction

from .models import SubmittedForm


class OnceFormMixin(forms.Form):
    """Adds a hidden token, fresh for each new form and kept when the form is shown again with errors."""

    form_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form_token"].initial = uuid.uuid4()


def submit_once(token: uuid.UUID, action: Callable[[], str]) -> str:
    """Run `action` (which returns the URL to show next) unless this token already ran it.

    The token row is inserted first in the same transaction as the work: a second request with the same token
    waits for the first (on PostgreSQL) and then gets the first one's result instead of doing the work again.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = SubmittedForm.objects.create(token=token)
        except IntegrityError:
            return SubmittedForm.objects.get(token=token).result_url
        url = action()
        record.result_url = url
        record.save(update_fields=["result_url"])
        return url
