"""The staff's form to schedule a bulletin: a date and time in the cluster's time zone."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.idempotency import OnceFormMixin

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ScheduleForm(OnceFormMixin):
    """When to send. The time is read in the cluster's time zone (settings.TIME_ZONE); the service refuses a time
    in the past."""

    when = forms.DateTimeField(label=_("Send on"), widget=DATETIME_WIDGET)
