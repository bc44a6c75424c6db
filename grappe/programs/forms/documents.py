"""A document attached to an application: what it is (a kind the call may require) and the file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.forms import StyledFormMixin
from grappe.core.idempotency import OnceFormMixin

from ..models import Application, DocumentKind


class DocumentForm(OnceFormMixin, StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("This document is"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={
        "accept": ".pdf,.docx,.xlsx,application/pdf,"
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))

    @classmethod
    def for_application(cls, application: Application, max_size: str, data=None, files=None) -> "DocumentForm":
        """The kinds the call requires first (the first one still missing chosen), then the others."""
        form = cls(data, files)
        required = list(application.call.required_documents)
        present = set(application.documents.current().values_list("kind", flat=True))
        form.fields["kind"].choices = ([c for c in DocumentKind.choices if c[0] in required]
                                       + [c for c in DocumentKind.choices if c[0] not in required])
        form.fields["kind"].initial = next((kind for kind in required if kind not in present), None)
        form.fields["file"].help_text = _("PDF, Word (.docx) or Excel (.xlsx), %(limit)s at most.") % {
            "limit": max_size}
        return form
