"""Forms of a member's declared needs and of its confidential succession wish."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import QuickSelect, StyledFormMixin, searchable
from grappe.core.idempotency import OnceFormMixin
from grappe.members.models import Capability, CertificationType

from ..models import NeedKind, SuccessionKind
from .opportunities import capability_groups


class DeclaredNeedForm(OnceFormMixin, StyledFormMixin, forms.Form):
    """What a member needs: a competency of the taxonomy, a certification audit, or something described."""

    kind = forms.ChoiceField(label=_("What do you need?"), choices=NeedKind.choices)
    capability = forms.ModelChoiceField(label=_("Competency"), required=False, widget=QuickSelect(searchable()),
                                        queryset=Capability.objects.filter(is_active=True, parent__isnull=False),
                                        help_text=_("For a competency."))
    certification_type = forms.ModelChoiceField(label=_("Certification"), queryset=CertificationType.objects.all(),
                                                required=False, help_text=_("For a certification audit."),
                                                widget=forms.Select(attrs=searchable()))
    description = forms.CharField(label=_("Description"), max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("What you need, in a few words (a training, equipment, a purchase…)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capability"].widget.choices = [("", _("Choose a competency…")), *capability_groups()]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == NeedKind.COMPETENCY and not data.get("capability"):
            self.add_error("capability", _("Choose the competency you need."))
        elif kind == NeedKind.CERTIFICATION_AUDIT and not data.get("certification_type"):
            self.add_error("certification_type", _("Choose the certification to be audited for."))
        elif kind not in (NeedKind.COMPETENCY, NeedKind.CERTIFICATION_AUDIT) and not data.get("description", "").strip():
            self.add_error("description", _("Say in a few words what you need."))
        return data


class SuccessionFlagForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Your wish"), choices=SuccessionKind.choices)
    horizon = forms.CharField(label=_("Horizon"), max_length=100, required=False,
                              help_text=_("e.g. within 2 years"))
    note = forms.CharField(label=_("Note for the staff"), max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, flag=None, **kwargs):
        """Shows the current flag, if any, to be changed."""
        if flag is not None:
            kwargs.setdefault("initial", {"kind": flag.kind, "horizon": flag.horizon, "note": flag.note})
        super().__init__(*args, **kwargs)
