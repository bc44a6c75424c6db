"""Forms of the participants' pages. They parse and check input; the services decide."""

from django import forms
from django.conf import settings
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from grappe.core.idempotency import OnceFormMixin
from grappe.members.models import Capability
from grappe.members.selectors import capability_groups

from ..models import Outcome, Priority, Registration


class CapabilityChecklist(forms.CheckboxSelectMultiple):
    """The taxonomy as one folding list of checkboxes per domain (a domain with a choice starts unfolded), with a
    box that narrows it as one types (static/grappe/checklist.js shows the box; without it the list stays whole).
    Written directly: Django renders each of the ~400 options through two templates."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in (value or [])}
        base = (attrs or {}).get("id") or f"id_{name}"
        parts = [format_html(
            '<div class="mb-2" data-checklist-filter="{}" hidden><label class="form-label small" for="{}-filter">{}'
            '</label><input class="form-control form-control-sm" type="search" id="{}-filter" autocomplete="off" '
            'placeholder="{}"><p class="small text-muted mb-0" role="status" data-shown="{}"></p></div>',
            base, base, _("Filter the list"), base, _("e.g. anodizing, 5-axis, NDT"),
            _("Options shown: %(count)s")),
            f'<div class="capability-checklist border rounded p-2" id="{escape(base)}">']
        for group, options in self.choices:
            picked = sum(1 for pk, _label in options if str(pk) in chosen)
            parts.append(format_html('<details{}><summary>{} <span class="badge text-bg-primary">{}</span></summary>'
                                     '<div class="row row-cols-1 row-cols-md-2 ps-3 py-1">',
                                     " open" if picked else "", group, picked or ""))
            for pk, label in options:
                parts.append(format_html(
                    '<div class="col form-check"><input class="form-check-input" type="checkbox" name="{}" '
                    'value="{}" id="{}_{}"{}><label class="form-check-label" for="{}_{}">{}</label></div>',
                    name, pk, base, pk, " checked" if str(pk) in chosen else "", base, pk, label))
            parts.append("</div></details>")
        parts.append("</div>")
        return mark_safe("".join(parts))  # noqa: S308 — every value and label above is escaped


def leaf_capabilities():
    return Capability.objects.filter(is_active=True, parent__isnull=False)


# The registration's language is for what others produce for the participant (the organiser's printed agendas,
# the messages sent to them); on screen, the agenda and its PDF and .ics follow the language one reads in.
LANGUAGE_LABEL = _("Language of my printed agenda and of the messages sent to me")
LANGUAGE_HELP = _("The organiser prints your agenda and writes to you in this language. On screen, your agenda and "
                  "its downloads follow the language you are reading in.")


class LanguageMixin(forms.Form):
    language = forms.ChoiceField(label=LANGUAGE_LABEL, help_text=LANGUAGE_HELP, choices=settings.LANGUAGES)


class MemberRegistrationForm(OnceFormMixin, StyledFormMixin, LanguageMixin):
    pass


class GuestRegistrationForm(OnceFormMixin, StyledFormMixin, LanguageMixin):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email"), help_text=_("We send you a link to confirm it."))
    organisation = forms.CharField(label=_("Your organisation"), max_length=200, required=False)
    field_order = ["name", "email", "organisation", "language"]


class ResendLinkForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(label=_("The email you registered with"))


class ProfileForm(StyledFormMixin, forms.ModelForm):
    offers = forms.ModelMultipleChoiceField(label=_("What we offer"), queryset=leaf_capabilities(), required=False,
                                            widget=CapabilityChecklist)
    seeks = forms.ModelMultipleChoiceField(label=_("What we seek"), queryset=leaf_capabilities(), required=False,
                                           widget=CapabilityChecklist)

    class Meta:
        model = Registration
        fields = ["pitch", "offers", "seeks", "language"]
        labels = {"pitch": _("In a few words: who you are, what you are looking for"),
                  "language": LANGUAGE_LABEL}
        help_texts = {"language": LANGUAGE_HELP}
        widgets = {"pitch": forms.Textarea(attrs={"rows": 4, "maxlength": 2000})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = capability_groups()
        self.fields["offers"].widget.choices = groups
        self.fields["seeks"].widget.choices = groups


class AvailabilityForm(forms.Form):
    unavailable = forms.ModelMultipleChoiceField(label=_("Slots I cannot attend"), required=False,
                                                 queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unavailable"].queryset = event.slots.select_related("session")


class RequestForm(OnceFormMixin, StyledFormMixin, forms.Form):
    priority = forms.TypedChoiceField(label=_("How much do you want this meeting?"), choices=Priority.choices,
                                      coerce=int, initial=Priority.NORMAL, widget=forms.RadioSelect)
    message = forms.CharField(label=_("A word for them (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    priority = forms.TypedChoiceField(label=_("How much do you want this meeting?"), choices=Priority.choices,
                                      coerce=int, initial=Priority.NORMAL, required=False)


class OutcomeForm(StyledFormMixin, forms.Form):
    happened = forms.TypedChoiceField(
        label=_("Did the meeting take place?"), coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None, required=False,
        choices=[("", _("Not said")), ("yes", _("Yes")), ("no", _("No"))])
    outcome = forms.ChoiceField(label=_("What came of it"), choices=Outcome.choices, required=False)
    notes = forms.CharField(label=_("Notes (only you see them)"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2}))
