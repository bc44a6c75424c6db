"""The forms of resolutions and votes: the draft (staff or co-chair), the ballot, the proxy."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from grappe.core.idempotency import OnceFormMixin

from ..models import MAX_PROXIES, AgendaItem, Body, Majority
from ..services.resolutions import check_resolution

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DEFAULT_OPTIONS = "Pour / For\nContre / Against\nAbstention / Abstain"


class ResolutionForm(OnceFormMixin):
    """A draft resolution. The service checks the values (at least two options, closing after opening, a quorum
    between 0 and 100 %) and says why beside each field; the form only reads them."""

    body = forms.ModelChoiceField(label=_("Put to"), queryset=Body.objects.none(), required=False,
                                  empty_label=_("The whole membership"))
    item = forms.ModelChoiceField(label=_("Agenda item (optional)"), queryset=AgendaItem.objects.none(),
                                  required=False)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300)
    text_fr = forms.CharField(label=_("Text (French)"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    text_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    options = forms.CharField(
        label=_("Options"), initial=DEFAULT_OPTIONS, required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, French / English. For, Against and Abstain are offered by default."))
    last_is_abstention = forms.BooleanField(label=_("The last option is an abstention (counted in the turnout, "
                                                    "not in the majority)"), required=False, initial=True)
    opens_at = forms.DateTimeField(label=_("Voting opens"), widget=DATETIME_WIDGET)
    closes_at = forms.DateTimeField(label=_("Voting closes"), widget=DATETIME_WIDGET)
    quorum_percent = forms.DecimalField(label=_("Quorum (% of the member organisations that vote)"),
                                        max_digits=6, decimal_places=2, initial=50)
    majority = forms.ChoiceField(label=_("Majority"), choices=Majority.choices, initial=Majority.SIMPLE)
    secret = forms.BooleanField(label=_("Secret ballot (an organisation’s vote is then final)"), required=False)
    max_proxies = forms.IntegerField(
        label=_("Proxies one organisation may hold"), initial=1, min_value=0, max_value=MAX_PROXIES,
        help_text=_("0: no proxies."), error_messages={
            "min_value": _("The number of proxies one organisation may hold cannot be negative."),
            "max_value": _("One organisation may hold at most %(limit_value)s proxies.")})

    def __init__(self, *args, bodies, whole_membership: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        self.fields["item"].queryset = (AgendaItem.objects.filter(meeting__body__in=bodies)
                                        .select_related("meeting__body").order_by("-meeting__starts_at", "position"))
        self.fields["item"].label_from_instance = lambda item: f"{item.meeting.body} · {item.meeting} · {item}"
        if not whole_membership:
            self.fields["body"].required = True
            self.fields["body"].empty_label = None

    def clean(self):
        """Every refusal at once: the service's own checks (options, window, quorum) beside the missing fields."""
        cleaned = super().clean()
        try:
            check_resolution(cleaned, self.parsed_options())
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return cleaned

    def parsed_options(self) -> list[dict]:
        """The options typed, one a line ("French / English", or one label for both)."""
        lines = [line.strip() for line in self.cleaned_data.get("options", "").splitlines() if line.strip()]
        options = []
        for line in lines:
            french, _slash, english = line.partition("/")
            options.append({"label_fr": french.strip()[:200], "label_en": (english.strip() or french.strip())[:200],
                            "is_abstention": False})
        if len(options) > 1 and self.cleaned_data.get("last_is_abstention"):
            options[-1]["is_abstention"] = True
        return options


class BallotForm(forms.Form):
    """One organisation's choice on a resolution."""

    option = forms.TypedChoiceField(label=_("Your choice"), coerce=int, widget=forms.RadioSelect)
    organisation = forms.IntegerField(widget=forms.HiddenInput, required=False)  # empty: the caster's own

    def __init__(self, *args, resolution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = [(o.pk, o.label) for o in resolution.options.all()]


class ProxyForm(forms.Form):
    holder = forms.TypedChoiceField(label=_("Give our organisation’s proxy to"), coerce=int)

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = [(o.pk, str(o)) for o in holders]
