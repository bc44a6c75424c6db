"""The record of a meeting on one form: attendance of each member, notes and decisions per item, one new action
item and one recusal. One form, so that whichever button is pressed nothing typed elsewhere is lost.

Two co-chairs may keep the record at once: each field carries the value it was shown with (show_hidden_initial),
and a save writes only the fields its co-chair changed, so that it never puts back what the other one replaced."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from grappe.core.idempotency import OnceFormMixin

from ..models import AttendanceStatus
from .agenda import labels, member_choice


class RecordForm(OnceFormMixin, StyledFormMixin, forms.Form):
    """A save is done once per form token (a double click adds one decision and one action, not two)."""

    def __init__(self, seats, planned, attendance: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A post without the token (a page opened before the token existed) is saved once, unguarded.
        self.fields["form_token"].required = False
        self.seats, self.planned = seats, planned
        for seat in seats:
            self.fields[f"attendance_{seat.user_id}"] = forms.ChoiceField(
                label=str(seat.user), required=False, show_hidden_initial=True,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                choices=AttendanceStatus.choices, initial=attendance.get(seat.user_id))
        items = []
        for row in planned:
            item = row.item
            items.append((item.pk, item.title))
            self.fields[f"notes_{item.pk}"] = forms.CharField(
                label=_("Notes"), required=False, initial=item.notes, show_hidden_initial=True,
                widget=forms.Textarea(attrs={"rows": 4}))
            for decision in item.decisions.all():
                self.fields[f"decision_{decision.pk}"] = forms.CharField(
                    label=_("Decision"), required=False, initial=decision.text, show_hidden_initial=True,
                    help_text=_("Empty it to remove the decision."), widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"new_decision_{item.pk}"] = forms.CharField(
                label=_("New decision"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
        item_choices = [("", _("None")), *items]
        self.fields["action_description"] = forms.CharField(label=_("Action"), required=False,
                                                            widget=forms.Textarea(attrs={"rows": 2}))
        self.fields["action_owner"] = member_choice(seats, _("Owner"), required=False)
        self.fields["action_owner"].label_from_instance = labels(seats)
        self.fields["action_due_on"] = forms.DateField(label=_("Due"), required=False,
                                                       widget=forms.DateInput(attrs={"type": "date"}))
        self.fields["action_item"] = forms.TypedChoiceField(label=_("Agenda item"), required=False,
                                                            choices=item_choices, coerce=int, empty_value=None)
        self.fields["recusal_user"] = member_choice(seats, _("Person"), required=False)
        self.fields["recusal_user"].label_from_instance = labels(seats)
        self.fields["recusal_item"] = forms.TypedChoiceField(label=_("Agenda item"), required=False,
                                                             choices=item_choices, coerce=int, empty_value=None)
        self.fields["recusal_reason"] = forms.CharField(label=_("Conflict of interest"), required=False,
                                                        max_length=500)

    def clean(self):
        data = super().clean()
        action = [data.get(name) for name in ("action_description", "action_owner", "action_due_on")]
        if any(action) and not all(action):
            self.add_error("action_description", _("An action needs a description, an owner and a due date."))
        recusal = [data.get(name) for name in ("recusal_user", "recusal_item", "recusal_reason")]
        if any(recusal) and not all(recusal):
            self.add_error("recusal_reason", _("A recusal needs the person, the item and the conflict of interest."))
        return data

    def record(self) -> dict:
        """What the record service takes (services.record.save_record), items given by id."""
        data, items = self.cleaned_data, {row.item.pk: row.item for row in self.planned}
        changed = set(self.changed_data)
        record = {
            "attendance": {seat.user_id: data[f"attendance_{seat.user_id}"] for seat in self.seats
                           if f"attendance_{seat.user_id}" in changed},
            "notes": {pk: data[f"notes_{pk}"] for pk in items if f"notes_{pk}" in changed},
            "decisions": {int(name.removeprefix("decision_")): data[name] for name in changed
                          if name.startswith("decision_")},
            "new_decisions": {pk: data[f"new_decision_{pk}"] for pk in items},
            "action": None, "recusal": None,
        }
        if data.get("action_description"):
            record["action"] = {"description": data["action_description"], "owner": data["action_owner"],
                                "due_on": data["action_due_on"], "item": items.get(data.get("action_item"))}
        if data.get("recusal_user"):
            record["recusal"] = {"user": data["recusal_user"], "item": items.get(data["recusal_item"]),
                                 "reason": data["recusal_reason"]}
        return record
