"""A meeting as a co-chair types it: a day and times in the meeting's time zone, a place or a video link."""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from grappe.core.idempotency import OnceFormMixin

from ..models import DEFAULT_TIME_ZONE, Meeting

TIME_ZONES = [(zone, zone) for zone in (
    "America/Montreal", "America/Toronto", "America/Halifax", "America/Winnipeg", "America/Edmonton",
    "America/Vancouver", "Europe/Paris", "UTC")]


class MeetingForm(OnceFormMixin, StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Optional: the body's name is used otherwise."))
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONES, initial=DEFAULT_TIME_ZONE)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    @classmethod
    def of(cls, meeting: Meeting, data=None) -> "MeetingForm":
        zone = ZoneInfo(meeting.time_zone)
        starts, ends = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
        return cls(data, initial={"title": meeting.title, "day": starts.date(), "starts": starts.time(),
                                  "ends": ends.time(), "time_zone": meeting.time_zone, "place": meeting.place,
                                  "video_url": meeting.video_url})

    def clean(self):
        data = super().clean()
        if all(data.get(name) is not None for name in ("day", "starts", "ends", "time_zone")):
            zone = ZoneInfo(data["time_zone"])
            data["starts_at"] = datetime.datetime.combine(data["day"], data["starts"], tzinfo=zone)
            data["ends_at"] = datetime.datetime.combine(data["day"], data["ends"], tzinfo=zone)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("ends", _("A meeting ends after it starts."))
        if not (data.get("place") or data.get("video_url")) and "video_url" not in self.errors:
            self.add_error("place", _("Give the meeting's place, its video link, or both."))
        return data

    def meeting_fields(self) -> dict:
        return {name: self.cleaned_data[name]
                for name in ("title", "starts_at", "ends_at", "time_zone", "place", "video_url")}
