"""The bulletin form: its texts in French and English (a rich-text editor), its target and what it links to.

The editor (django-prose-editor, ProseMirror) offers only what grappe/bulletins/html.py keeps, so what one writes
is what is stored; the service cleans again whatever arrives (html.py is the authority). The target's fields are
also the reach panel's: the same form reads them (`TargetForm`) to count whom the bulletin will reach.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField

from grappe.core.forms import StyledFormMixin, searchable
from grappe.core.idempotency import OnceFormMixin
from grappe.governance.models import Body
from grappe.members import directory_cache
from grappe.members.models import OrganisationKind, Region, Segment, SizeBand

from .. import html
from ..models import Bulletin, Category
from ..services import writing

# The editor's buttons: exactly the formatting html.py keeps (headings 2 to 4, links without a target, our images).
EDITOR_EXTENSIONS = {
    "Bold": True, "Italic": True, "Underline": True, "Strike": True, "Subscript": True, "Superscript": True,
    "Heading": {"levels": [2, 3, 4]}, "BulletList": True, "OrderedList": True, "ListItem": True,
    "Blockquote": True, "HorizontalRule": True, "HardBreak": True, "Code": True, "CodeBlock": True,
    "Link": {"enableTarget": False, "protocols": sorted(html.URL_SCHEMES)},
    "Table": True, "TableRow": True, "TableHeader": True, "TableCell": True, "Image": True,
}


def body_field(label):
    return ProseEditorFormField(label=label, required=False, extensions=EDITOR_EXTENSIONS, sanitize=html.clean)


class TargetForm(StyledFormMixin, forms.Form):
    """Whom the bulletin is for: every criterion given must match (within one, any value)."""

    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    segment = forms.ModelChoiceField(label=_("Saved segment"), queryset=Segment.objects.order_by("name"),
                                     required=False, empty_label=_("No segment"),
                                     widget=forms.Select(attrs=searchable()))
    kinds = forms.MultipleChoiceField(label=_("Types"), required=False, choices=OrganisationKind.choices,
                                      widget=forms.CheckboxSelectMultiple)
    size_bands = forms.MultipleChoiceField(label=_("Sizes"), required=False, choices=SizeBand.choices,
                                           widget=forms.CheckboxSelectMultiple)
    regions = forms.MultipleChoiceField(label=_("Regions"), required=False, choices=Region.choices,
                                        widget=forms.SelectMultiple)
    capabilities = forms.TypedMultipleChoiceField(
        label=_("Capabilities"), required=False, coerce=int, widget=forms.SelectMultiple,
        help_text=_("Any of them. A domain stands for every capability in it."))
    certification_types = forms.TypedMultipleChoiceField(
        label=_("Certifications"), required=False, coerce=int, widget=forms.SelectMultiple,
        help_text=_("Any of them."))
    bodies = forms.ModelMultipleChoiceField(
        label=_("Committees or axes"), required=False, widget=forms.SelectMultiple,
        queryset=Body.objects.filter(archived_at__isnull=True).order_by("name_fr"),
        help_text=_("Organisations with someone sitting on one of them. An axis stands for its committees."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = directory_cache.filter_choices()
        self.fields["capabilities"].choices = choices["capability"]
        self.fields["certification_types"].choices = choices["certification"]


class BulletinForm(OnceFormMixin, TargetForm):
    title_fr = forms.CharField(label=_("Title (French)"), max_length=200, required=False)
    summary_fr = forms.CharField(label=_("Summary (French)"), max_length=400, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text=_("Left empty: the start of the text."))
    body_fr = body_field(_("Text (French)"))
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    summary_en = forms.CharField(label=_("Summary (English)"), max_length=400, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}),
                                 help_text=_("Left empty: the start of the text."))
    body_en = body_field(_("Text (English)"))
    is_public = forms.BooleanField(label=_("Public: on the site's news and its feeds once sent"), required=False)
    call = forms.ModelChoiceField(label=_("Call for applications"), queryset=None, required=False,
                                  empty_label=_("None"))
    event = forms.ModelChoiceField(label=_("Event"), queryset=None, required=False, empty_label=_("None"))
    resolution = forms.ModelChoiceField(label=_("Vote"), queryset=None, required=False, empty_label=_("None"))

    TEXTS = ("title_fr", "summary_fr", "body_fr", "title_en", "summary_en", "body_en")
    TARGET = ("segment", "kinds", "size_bands", "regions", "capabilities", "certification_types", "bodies")
    LINKS = ("call", "event", "resolution")

    def __init__(self, *args, bulletin: Bulletin | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = writing.linkable_calls(bulletin.call_id if bulletin else None)
        self.fields["event"].queryset = writing.linkable_events(bulletin.event_id if bulletin else None)
        self.fields["resolution"].queryset = writing.linkable_resolutions(
            bulletin.resolution_id if bulletin else None)

    @classmethod
    def initial_for(cls, bulletin: Bulletin) -> dict:
        initial = {name: getattr(bulletin, name) for name in (
            "category", *cls.TEXTS, "is_public", "segment", "kinds", "size_bands", "regions", *cls.LINKS)}
        for name in ("capabilities", "certification_types", "bodies"):
            initial[name] = list(getattr(bulletin, name).values_list("pk", flat=True))
        return initial

    def sections(self) -> dict:
        return {"fr": FieldGroup(self, ("title_fr", "summary_fr", "body_fr")),
                "en": FieldGroup(self, ("title_en", "summary_en", "body_en")),
                "target": FieldGroup(self, ("category", *self.TARGET)),
                "link": FieldGroup(self, ("is_public", *self.LINKS))}

    def saved(self) -> dict:
        """The fields the writing service takes."""
        return {name: self.cleaned_data[name] for name in writing.FIELDS}


class FieldGroup:
    """Some of a form's fields, rendered by form_fields.html like a form of their own (the page shows the form in
    sections: texts in each language, target, link); the form's own errors are said once, above them."""

    def __init__(self, form, names):
        self.fields = [form[name] for name in names]
        self.errors = {}

    def visible_fields(self):
        return self.fields

    def hidden_fields(self):
        return []

    def non_field_errors(self):
        return []
