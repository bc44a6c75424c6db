"""The forms of the import pages: the upload, and which column goes to which field."""

import hashlib
from collections import defaultdict

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.core.forms import StyledFormMixin, widget_css_class
from grappe.core.idempotency import OnceFormMixin

from ..models import ImportJob, ImportKind, MembershipStatus, OrganisationKind
from ..services.imports import ImportOptions
from ..services.imports.columns import TARGETS, target_label, unmapped_columns
from ..services.imports.duplicates import DECISIONS, SAME
from ..services.imports.options import UPDATE_FILL_EMPTY, UPDATE_REPLACE


class ImportUploadForm(OnceFormMixin, StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("The file lists"), choices=ImportKind.choices)
    file = forms.FileField(label=gettext_lazy("Spreadsheet"),
                           help_text=gettext_lazy("CSV (UTF-8 or Windows-1252, comma or semicolon) or Excel "
                                                  "(.xlsx); the first row holds the column names."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}))


class ImportMappingForm(forms.Form):
    """For each Grappe field, the column of the file that fills it (suggested from the column names)."""

    def __init__(self, job: ImportJob, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = job.kind
        self.job = job
        columns = [("", _("— not imported —"))] + [(h, h) for h in job.headers if h]
        for target in TARGETS[job.kind]:
            self.fields[target.name] = forms.ChoiceField(
                label=target_label(job.kind, target.name), choices=columns, required=target.required,
                initial=job.mapping.get(target.name, ""),
                error_messages={"required": _("Choose the column that holds this: it is required.")})
        for form_field in self.fields.values():
            form_field.widget.attrs["class"] = widget_css_class(form_field.widget)

    def clean(self):
        data = super().clean()
        used = defaultdict(list)
        for name, column in data.items():
            if column:
                used[column].append(name)
        for column, names in used.items():
            for name in names[1:]:
                self.add_error(name, _("The column “%(column)s” is already used for another field.")
                               % {"column": column})
        if self.kind == ImportKind.PEOPLE and not (data.get("organisation_neq") or data.get("organisation_name")):
            raise forms.ValidationError(_("Choose the column of the organisation's NEQ or of its name."))
        return data

    def unused_columns(self) -> list[str]:
        """The file's columns that the mapping as it stands (saved, or suggested) leaves out."""
        return unmapped_columns(self.job.headers, self.job.mapping)

    def mapping(self) -> dict[str, str]:
        return {name: column for name, column in self.cleaned_data.items() if column}


EMPTY = "__empty__"  # the select's "use an empty cell"; its own empty value means "no fix, leave it"


def fix_field_name(group: dict) -> str:
    """A group's select is named after its field and value, not its place in the list: a report checked again
    meanwhile (in another tab) may list the groups in another order, and a choice must land on its own value."""
    return "fix-" + hashlib.sha256(f"{group['field']}\0{group['value']}".encode()).hexdigest()[:16]


class ValueFixesForm(forms.Form):
    """For each group of identical errors about a value that is not one of the field's choices, the value to use
    instead (a valid choice, or empty): one decision for the whole group."""

    def __init__(self, groups: list[dict], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = groups
        for group in groups:
            if not group.get("choices"):
                continue
            choices = [("", _("— leave it, I will correct the file —")), (EMPTY, _("an empty cell"))]
            choices += [(code, label) for code, label in group["choices"]]
            label = _("Instead of “%(value)s” in %(column)s") % {"value": group["value"], "column": group["column"]}
            self.fields[fix_field_name(group)] = forms.ChoiceField(label=label, choices=choices, required=False)
        for form_field in self.fields.values():
            form_field.widget.attrs["class"] = widget_css_class(form_field.widget)

    def rows(self):
        """Every group, with its select when it has a fix, for the report's table."""
        return [(group, self[name] if (name := fix_field_name(group)) in self.fields else None) for group in self.groups]

    def value_fixes(self) -> dict[str, dict[str, str]]:
        fixes = defaultdict(dict)
        for group in self.groups:
            if chosen := self.cleaned_data.get(fix_field_name(group)):
                fixes[group["field"]][group["value"]] = "" if chosen == EMPTY else chosen
        return dict(fixes)


class ImportChoicesForm(StyledFormMixin, forms.Form):
    """What the import does beyond the mapping: the values of new organisations (where no mapped column gives
    one), and whether an update replaces values or only fills empty fields."""

    # Not required: a choice left out of the request keeps what the job had (see choices()).
    new_membership_status = forms.ChoiceField(
        label=gettext_lazy("Membership status of new organisations"), choices=MembershipStatus.choices,
        required=False)
    new_kind = forms.ChoiceField(label=gettext_lazy("Type of new organisations"), choices=OrganisationKind.choices,
                                 required=False)
    new_listed_in_directory = forms.BooleanField(
        label=gettext_lazy("List new organisations in the public directory"), required=False)
    update_mode = forms.ChoiceField(
        label=gettext_lazy("Organisations already in Grappe"), widget=forms.RadioSelect, required=False,
        choices=[(UPDATE_REPLACE, gettext_lazy("Replace their values with the file's (an empty cell changes "
                                               "nothing)")),
                 (UPDATE_FILL_EMPTY, gettext_lazy("Fill their empty fields only"))])

    def __init__(self, job: ImportJob, *args, **kwargs):
        options = ImportOptions.of(job).as_json()
        super().__init__(*args, initial={name: options[name] for name in self.base_fields}, **kwargs)
        if job.kind != ImportKind.ORGANISATIONS:
            for name in ("new_membership_status", "new_kind", "new_listed_in_directory"):
                del self.fields[name]
            self.fields["update_mode"].label = _("People already in Grappe")

    def choices(self) -> dict:
        """The choices made, for ImportOptions (a choice left out is not changed)."""
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


def duplicate_answers(data) -> tuple[dict[str, str], str]:
    """The answers posted for probable duplicates (fields "duplicate:<key>"), and the answer for all the others.

    "All the same organisation" merges rows into organisations: it answers only the pairs the page showed
    (their keys come back in "shown"), never pairs nobody looked at. "All different" creates, which is safe
    for every pair."""
    answers = {name.removeprefix("duplicate:"): value for name, value in data.items()
               if name.startswith("duplicate:") and value in DECISIONS}
    rest = data.get("rest", "")
    if rest == SAME:
        answers = {key: SAME for key in data.getlist("shown")} | answers
        rest = ""
    return answers, rest if rest in DECISIONS else ""
