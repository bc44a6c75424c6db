"""Forms of the organiser's pages. They parse and check input; the services decide."""

import datetime
import re

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import SEARCHABLE_FROM, StyledFormMixin, searchable
from grappe.core.idempotency import OnceFormMixin

from ..models import Event, Phase, Registration
from ..services.organiser import MAX_TABLES, SessionSpec

# "2026-05-12 09:00-12:00", with a dash, an en dash or a space between the times.
SESSION_LINE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s+(\d{1,2})[:h](\d{2})"
                          r"\s*[-–— ]\s*(\d{1,2})[:h](\d{2})\s*$")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def parse_sessions(text: str) -> list[SessionSpec]:
    """One session per line: a date and two times. A line that does not read so is refused with its number."""
    sessions = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = SESSION_LINE.match(line)
        try:
            if match is None:
                raise ValueError
            day, h1, m1, h2, m2 = match.groups()
            sessions.append(SessionSpec(datetime.date.fromisoformat(day), datetime.time(int(h1), int(m1)),
                                        datetime.time(int(h2), int(m2))))
        except ValueError:
            raise forms.ValidationError(
                _("Line %(number)s does not read as “2026-05-12 09:00-12:00”: %(line)s"),
                params={"number": number, "line": line.strip()}, code="session_line") from None
    return sessions


def sessions_text(event: Event) -> str:
    return "\n".join(f"{s.date:%Y-%m-%d} {s.starts:%H:%M}-{s.ends:%H:%M}" for s in event.sessions.all())


class EventForm(OnceFormMixin, StyledFormMixin, forms.ModelForm):
    """An event, its sessions (breaks and days lie between them) and its tables."""

    sessions = forms.CharField(
        label=_("Sessions"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: the date, the start and the end, e.g. “2026-05-12 09:00-12:00”. A "
                    "break (lunch) is the time between two sessions. Each session is cut into meetings of "
                    "the length above."))
    table_count = forms.IntegerField(label=_("Number of tables"), min_value=1, max_value=MAX_TABLES,
                                     required=False)
    rooms = forms.CharField(
        label=_("Or named rooms"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One name per line; they are numbered in this order and replace the number of tables."))

    class Meta:
        model = Event
        fields = ["title", "description", "venue", "audience", "registration_opens", "registration_closes",
                  "slot_minutes", "max_meetings", "max_consecutive", "allow_moves"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}),
                   "registration_opens": DATETIME_WIDGET, "registration_closes": DATETIME_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        event = self.instance
        if event.pk:
            self.fields["sessions"].initial = sessions_text(event)
            labels = list(event.tables.values_list("label", flat=True))
            if any(labels):
                self.fields["rooms"].initial = "\n".join(labels)
            else:
                self.fields["table_count"].initial = len(labels)
        else:
            self.fields["table_count"].initial = 10

    def clean_sessions(self):
        return parse_sessions(self.cleaned_data["sessions"])

    def clean(self):
        data = super().clean()
        rooms = [line.strip() for line in data.get("rooms", "").splitlines() if line.strip()]
        if rooms:
            data["tables"] = rooms
        elif data.get("table_count"):
            data["tables"] = data["table_count"]
        else:
            self.add_error("table_count", _("Give the number of tables, or name the rooms."))
        return data

    def event_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RegistrationsForm(forms.Form):
    """The registrations ticked in the list, and what to do with them."""

    registrations = forms.ModelMultipleChoiceField(queryset=Registration.objects.none(),
                                                   widget=forms.CheckboxSelectMultiple)
    action = forms.ChoiceField(choices=[("validate", _("Validate")), ("refuse", _("Refuse"))])

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registrations"].queryset = event.registrations.all()


class PlaceForm(StyledFormMixin, forms.Form):
    """Where a meeting goes: a slot and a table of the event."""

    slot = forms.ModelChoiceField(label=_("Time"), queryset=None)
    table = forms.ModelChoiceField(label=_("Table"), queryset=None)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = event.slots.all()
        self.fields["slot"].label_from_instance = lambda slot: formats.date_format(
            timezone.localtime(slot.starts_at), "SHORT_DATETIME_FORMAT")
        self.fields["table"].queryset = event.tables.all()
        for field in (self.fields["slot"], self.fields["table"]):  # a day of 20 tables and 16 slots is common
            if field.queryset.count() > SEARCHABLE_FROM:
                field.widget.attrs.update(searchable())


class PhaseForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("open_registration", "open_requests",
                                                         "close_requests",
                                                         "finish", "publish")])


def phase_actions(event: Event) -> list[tuple[str, str]]:
    """The buttons the event's phase offers, with their labels."""
    labels = {
        "open_registration": _("Open registration"),
        "open_requests": (_("Open meeting requests") if event.phase == Phase.REGISTRATION
                          else _("Reopen requests")),
        "close_requests": _("Close requests"),
        "publish": _("Publish the agendas"),
        "finish": _("Mark the event finished"),
    }
    offered = {
        Phase.DRAFT: ["open_registration"],
        Phase.REGISTRATION: ["open_requests"],
        Phase.REQUESTS: ["close_requests"],
        Phase.SCHEDULING: ["publish", "open_requests"],
        Phase.PUBLISHED: ["publish", "finish"],
        Phase.FINISHED: [],
    }[event.phase]
    return [(action, labels[action]) for action in offered]
