"""Forms of an opportunity's pages: describe it, confirm its competencies, set the consortium's rules.

They parse and check input; the services decide."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import QuickSelect, StyledFormMixin, searchable
from grappe.core.idempotency import OnceFormMixin
from grappe.members.models import Capability, MembershipStatus, Organisation, Region
from grappe.members.selectors import capability_groups
from matching.consortia import Rules

from ..models import Opportunity
from ..services.opportunities import MAX_PASTED_LENGTH, check_description, cut_note

MUST, NICE, REMOVE = "must", "nice", "remove"
MAX_TEAM_SIZE = 10


class OpportunityForm(OnceFormMixin, StyledFormMixin, forms.ModelForm):
    """Describe an opportunity. The staff, acting for a funding call or a member, name the initiator."""

    initiator = forms.ModelChoiceField(label=_("For which organisation"), queryset=Organisation.objects.none(),
                                       to_field_name="slug", widget=QuickSelect(searchable()))

    class Meta:
        model = Opportunity
        fields = ["kind", "title", "description", "required_certifications", "region", "budget", "deadline"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 10, "maxlength": MAX_PASTED_LENGTH}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "description": _("In French or English: a call for tenders, a project idea, a customer request. "
                             "Grappe finds the competencies it needs in this text."),
        }

    def __init__(self, *args, choose_initiator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.cut_note = ""
        # A longer text than is stored is taken and cut (clean_description), not refused: a pasted tender.
        description = self.fields["description"]
        description.max_length = MAX_PASTED_LENGTH
        description.validators = [MaxLengthValidator(MAX_PASTED_LENGTH)]
        if choose_initiator:
            self.fields["initiator"].queryset = Organisation.objects.exclude(
                membership_status=MembershipStatus.FORMER).order_by("legal_name")
        else:
            del self.fields["initiator"]


    def clean_description(self) -> str:
        text = self.cleaned_data["description"]
        self.cut_note = cut_note(text)
        return check_description(text)


class NeedsForm(StyledFormMixin, forms.Form):
    """The competencies of an opportunity: each one must-have, nice-to-have or removed; one more to add."""

    add = forms.ModelChoiceField(label=_("Add a competency"), required=False, widget=QuickSelect(searchable()),
                                 queryset=Capability.objects.filter(is_active=True, parent__isnull=False))
    add_as = forms.ChoiceField(label=_("as"), choices=[(MUST, _("must-have")), (NICE, _("nice-to-have"))],
                               initial=MUST, required=False)

    def __init__(self, *args, needs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.needs = list(needs)
        choices = [(MUST, _("Must-have")), (NICE, _("Nice-to-have")), (REMOVE, _("Remove"))]
        for need in self.needs:
            self.fields[self.field_name(need)] = forms.ChoiceField(
                label=need.capability.label, choices=choices, initial=MUST if need.must_have else NICE,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
        self.fields["add"].widget.choices = [("", _("Choose a competency…")), *capability_groups()]

    @staticmethod
    def field_name(need) -> str:
        return f"need_{need.capability_id}"

    def rows(self):
        """Each need with its field, for the template."""
        return [(need, self[self.field_name(need)]) for need in self.needs]

    def chosen(self) -> tuple[list[Capability], list[Capability]]:
        """(must-haves, nice-to-haves) as the person left them, the added one included."""
        must, nice = [], []
        for need in self.needs:
            choice = self.cleaned_data[self.field_name(need)]
            if choice != REMOVE:
                (must if choice == MUST else nice).append(need.capability)
        added = self.cleaned_data.get("add")
        if added is not None:
            (nice if self.cleaned_data.get("add_as") == NICE else must).append(added)
        return must, nice


class RulesForm(StyledFormMixin, forms.Form):
    """The rules a consortium must respect; each one may make the answer impossible, and the page says which."""

    max_size = forms.IntegerField(label=_("At most this many partners"), required=False, min_value=1,
                                  max_value=MAX_TEAM_SIZE)
    at_least_one_sme = forms.BooleanField(label=_("At least one SME"), required=False)
    at_least_one_research = forms.BooleanField(label=_("At least one university or research centre"),
                                               required=False)
    required_region = forms.ChoiceField(label=_("At least one member in this region"), required=False,
                                        choices=[("", _("Any region")), *Region.choices])
    no_two_competitors = forms.BooleanField(label=_("No two direct competitors in the team"), required=False)
    excluded = forms.ModelMultipleChoiceField(label=_("Leave out"), required=False,
                                              queryset=Organisation.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, excludable=None, **kwargs):
        super().__init__(*args, **kwargs)
        if excludable is not None:
            self.fields["excluded"].queryset = excludable

    @classmethod
    def initial_from(cls, rules: Rules) -> dict:
        return {"max_size": rules.max_size, "at_least_one_sme": rules.at_least_one_sme,
                "at_least_one_research": rules.at_least_one_research,
                "required_region": rules.required_region or "", "no_two_competitors": rules.no_two_competitors,
                "excluded": sorted(rules.excluded)}

    def to_rules(self) -> Rules:
        data = self.cleaned_data
        return Rules(max_size=data["max_size"], at_least_one_sme=data["at_least_one_sme"],
                     at_least_one_research=data["at_least_one_research"],
                     required_region=data["required_region"] or None,
                     excluded=frozenset(o.pk for o in data["excluded"]),
                     no_two_competitors=data["no_two_competitors"])
