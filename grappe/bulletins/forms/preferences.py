"""A person's mail preferences: how often, which topics, and whether to stop every optional communication."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.idempotency import OnceFormMixin

from ..models import Frequency, Topic


class PreferencesForm(OnceFormMixin, forms.Form):
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices, widget=forms.RadioSelect)
    # Notices to members are no topic: membership requires them (models.REQUIRED_CATEGORIES).
    topics = forms.MultipleChoiceField(
        label=_("What you receive"), choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick a topic to stop receiving it; tick it again to come back."))
    stop_all = forms.BooleanField(
        label=_("Stop all optional communications"), required=False,
        help_text=_("You will then receive only the notices to members (legal notices, general assemblies, "
                    "votes), which membership requires while your organisation is a member."))

    @classmethod
    def for_preferences(cls, preferences: dict, data=None, *, narrow_only: bool = False) -> "PreferencesForm":
        """`narrow_only`: from an email's signed link, which anyone the email was forwarded to may follow, a
        person can only receive less: the topics they left are not offered again, and a withdrawn consent stays
        withdrawn (giving either back needs them signed in)."""
        form = cls(data, initial={"frequency": preferences["frequency"], "topics": preferences["topics"],
                                  "stop_all": not preferences["communications"]})
        if narrow_only:
            topics = form.fields["topics"]
            topics.choices = [(value, label) for value, label in topics.choices if value in preferences["topics"]]
            topics.help_text = _("Untick a topic to stop receiving it.")
            if not preferences["communications"]:
                form.fields["stop_all"].disabled = True
        return form
