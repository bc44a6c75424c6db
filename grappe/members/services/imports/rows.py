"""Validating one row: Django forms with the models' field rules, accepting what people really type."""

import re

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...address import require_both_coordinates
from ...models import (
    ImportKind,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    OrgRole,
    Person,
    Province,
    Region,
    SizeBand,
    neq_validator,
)
from ...search import fold
from ..fields import ORGANISATION_FIELDS, PERSON_FIELDS


class ChoiceByNameField(forms.Field):
    """A choice given by its code or its French or English label, in any case, with or without accents:
    "PME", "SME" and "sme" all mean the SME type.

    A plain Field, not a ChoiceField: each row's form copies its fields, and copying a ChoiceField copies its
    choices and its widget's, which made that copying the slowest part of a large import.
    """

    def __init__(self, *, choices, aliases: dict[str, str] | None = None, **kwargs):
        super().__init__(required=False, **kwargs)
        self.choices = tuple(choices)
        self.aliases = aliases or {}
        self._by_name = {}  # filled once, shared by the copies each form makes of this field

    def names(self) -> dict[str, str]:
        if not self._by_name:
            for code, label in self.choices:
                for language in ("fr", "en"):
                    with translation.override(language):
                        self._by_name[fold(str(label))] = code
                self._by_name[fold(code)] = code
            self._by_name.update({fold(alias): code for alias, code in self.aliases.items()})
        return self._by_name

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return ""
        code = self.names().get(fold(text))
        if code is None:
            raise forms.ValidationError(
                _("“%(value)s” is not an accepted value. Accepted: %(choices)s.")
                % {"value": text, "choices": ", ".join(str(label) for _code, label in self.choices)},
                code="invalid_choice")
        return code


class SizeBandField(ChoiceByNameField):
    """A size band, or a number of employees that falls in one."""

    def to_python(self, value):
        text = fold(str(value or ""))
        if text.isdigit() and text not in self.names():
            return _size_band_of(int(text))
        return super().to_python(value)


def _size_band_of(employees: int) -> str:
    for upper, band in ((9, SizeBand.MICRO), (49, SizeBand.SMALL), (199, SizeBand.MEDIUM), (499, SizeBand.LARGE),
                        (999, SizeBand.VERY_LARGE)):
        if employees <= upper:
            return band
    return SizeBand.HUGE


class YesNoField(forms.Field):
    """Yes or no in French or English: oui/non, yes/no, vrai/faux, true/false, 1/0, x."""

    YES = frozenset({"oui", "o", "yes", "y", "vrai", "true", "1", "x"})
    NO = frozenset({"non", "n", "no", "faux", "false", "0"})
    # What the report offers instead of a value it does not understand (see plan.error_groups).
    choices = (("oui", gettext_lazy("Yes")), ("non", gettext_lazy("No")))

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        text = fold(str(value or ""))
        if not text:
            return None
        if text in self.YES | self.NO:
            return text in self.YES
        raise forms.ValidationError(_("Write yes or no (oui or non)."), code="invalid_choice")


class NeqField(forms.CharField):
    """A NEQ, with the spaces, dashes and dots people put in it removed."""

    def __init__(self, **kwargs):
        super().__init__(required=False, validators=[neq_validator], **kwargs)

    def to_python(self, value):
        return re.sub(r"[\s.-]", "", super().to_python(value)) or None

    def clean(self, value):
        try:
            return super().clean(value)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                _("“%(value)s” is not a NEQ: a Quebec business number has exactly 10 digits.") % {"value": value},
                code="invalid") from error


def import_date_field() -> forms.DateField:
    # Fixed formats, not the active language's: 03/04/2024 must not change meaning with the interface.
    return forms.DateField(required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d"])


def _region_aliases() -> dict[str, str]:
    """'6', '06 - Montréal' and 'Hors Québec' are regions too."""
    aliases = {"hors quebec": Region.OUTSIDE, "exterieur du quebec": Region.OUTSIDE}
    for code, label in Region.choices:
        aliases[str(int(code))] = code
        aliases[f"{code} {label}"] = code
    return aliases


KIND_ALIASES = {
    "pme": "sme", "oem": "prime", "maitre d oeuvre": "prime", "donneur d ordre": "prime", "equipementier": "prime",
    "rang 1": "tier1", "tier 1": "tier1", "fournisseur de rang 1": "tier1",
    "rang 2": "tier2", "tier 2": "tier2", "fournisseur de rang 2": "tier2",
    "rang 3": "tier3", "tier 3": "tier3", "fournisseur de rang 3": "tier3",
    "entretien": "mro", "maintenance": "mro", "universite": "university", "cegep": "college",
    "centre de recherche": "research", "cctt": "research", "research center": "research",
    "firme de services": "services", "autre": "other",
}
MEMBERSHIP_ALIASES = {"membre": "active", "membre actif": "active", "actif": "active", "suspendu": "suspended",
                      "ancien membre": "former", "ancien": "former"}
PROVINCE_ALIASES = {"pq": "QC", "que": "QC", "province de quebec": "QC", "ont": "ON", "terre neuve": "NL",
                    "newfoundland": "NL", "ile du prince edouard": "PE", "i p e": "PE", "pei": "PE"}
LANGUAGE_ALIASES = {"francais": "fr", "french": "fr", "anglais": "en", "english": "en"}
ORG_ROLE_ALIASES = {"administrateur": "admin", "administratrice": "admin", "administrator": "admin",
                    "membre": "member", "utilisateur": "member", "utilisatrice": "member", "user": "member"}


class LowerCaseEmailField(forms.EmailField):
    """An email as Grappe keeps people's: in lower case, so that it is one key whatever the file's case."""

    def to_python(self, value):
        return super().to_python(value).lower()


def row_form(model, fields, *, required: set[str], base=forms.Form,
             **special: forms.Field) -> type[forms.Form]:
    """The form that validates one row: the model's own field rules (lengths, email, web address…), `special`
    fields for values people write their own way, and only the `required` fields required.

    A plain form rather than a ModelForm: a ModelForm would check uniqueness and constraints with a query per
    row; here the keys of every row are compared with the file and the database at once (see plan.py).
    """
    declared = forms.fields_for_model(model, fields=fields)
    declared.update(special)
    for name, form_field in declared.items():
        form_field.required = name in required
    form_class = type(f"{model.__name__}RowForm", (base,), declared)
    form_class.base_fields = _SharedFields(form_class.base_fields)
    return form_class


class _SharedFields(dict):
    """A row form's fields, shared by the forms of every row instead of copied for each (as Django does, so
    that a page's form may change its own): a row's form only cleans its values, and copying 25 fields for each
    of 5,000 rows was a fifth of a dry run."""

    def __deepcopy__(self, memo):
        return self


class OrganisationRowChecks(forms.Form):
    """What a row must hold across its cells, as the profile form checks it."""

    def clean(self):
        data = super().clean()
        require_both_coordinates(self)
        return data


OrganisationRowForm = row_form(
    Organisation, ORGANISATION_FIELDS, required={"legal_name"}, base=OrganisationRowChecks,
    grappe_id=forms.SlugField(max_length=Organisation._meta.get_field("slug").max_length),
    neq=NeqField(),
    kind=ChoiceByNameField(choices=OrganisationKind.choices, aliases=KIND_ALIASES),
    size_band=SizeBandField(choices=SizeBand.choices),
    region=ChoiceByNameField(choices=Region.choices, aliases=_region_aliases()),
    province=ChoiceByNameField(choices=Province.choices, aliases=PROVINCE_ALIASES),
    membership_status=ChoiceByNameField(choices=MembershipStatus.choices, aliases=MEMBERSHIP_ALIASES),
    member_since=import_date_field(),
    membership_ends=import_date_field(),
    listed_in_directory=YesNoField(),
)

PersonRowForm = row_form(
    Person, PERSON_FIELDS, required={"first_name", "last_name", "email"},
    email=LowerCaseEmailField(max_length=Person._meta.get_field("email").max_length),
    organisation_neq=NeqField(),
    organisation_name=forms.CharField(max_length=200),
    language=ChoiceByNameField(choices=settings.LANGUAGES, aliases=LANGUAGE_ALIASES),
    org_role=ChoiceByNameField(choices=OrgRole.choices, aliases=ORG_ROLE_ALIASES),
    is_primary_contact=YesNoField(),
    consent_directory=YesNoField(),
    consent_communications=YesNoField(),
    is_active=YesNoField(),
)

ROW_FORMS = {ImportKind.ORGANISATIONS: OrganisationRowForm, ImportKind.PEOPLE: PersonRowForm}
