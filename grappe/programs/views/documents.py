"""An application's documents: attached and removed by the applicant's people while it is a draft, downloaded,
always as an attachment, by whoever may read the application. Thin: parse, call one service, answer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from grappe.core import filetypes
from grappe.core.downloads import attachment
from grappe.core.idempotency import submit_once
from grappe.core.pages import refused
from grappe.core.permissions import require, require_visible

from ..forms.documents import DocumentForm
from ..models import Application, ApplicationDocument, DocumentKind
from ..services import documents


def documents_context(user, application: Application) -> dict:
    """What the application's page shows of its documents: the list, what the call requires and still lacks, and
    the form to attach one while the reader may."""
    may_add = application.is_editable and user.has_perm("programs.add_document", application)
    listed = list(application.documents.current().select_related("organisation"))
    for document in listed:
        document.may_delete = application.is_editable and user.has_perm("programs.delete_document", document)
    return {"documents": listed,
            "required_documents": [DocumentKind(kind).label for kind in application.call.required_documents],
            "missing_documents": [DocumentKind(kind).label for kind in documents.missing_kinds(application)],
            "document_form": (DocumentForm.for_application(application, documents.max_size_text())
                              if may_add else None)}


@require_POST
def upload(request, pk):
    application = get_object_or_404(Application.objects.select_related("call"), pk=pk)
    require_visible(request.user, "programs.view_application", application)
    require(request.user, "programs.add_document", application)
    form = DocumentForm.for_application(application, documents.max_size_text(), request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(_("%(field)s: %(error)s") % {"field": form.fields[name].label, "error": error}
                                         if name in form.fields else str(error)
                                         for name, errors in form.errors.items() for error in errors))
        return redirect(_documents_of(application))

    def work():
        documents.upload_document(actor=request.user, application=application, kind=form.cleaned_data["kind"],
                                  upload=form.cleaned_data["file"])
        return _documents_of(application)
    try:
        url = submit_once(form.cleaned_data["form_token"], work)
        messages.success(request, _("The document is attached."))
    except ValidationError as error:
        refused(request, error)
        url = _documents_of(application)
    return redirect(url)


@require_POST
def delete(request, pk):
    document = _document(request, pk)
    try:
        documents.delete_document(actor=request.user, document=document)
        messages.success(request, _("The document is removed."))
    except ValidationError as error:
        refused(request, error)
    return redirect(_documents_of(document.application))


@require_safe
def download(request, pk):
    document = _document(request, pk)
    with document.file.open("rb") as stored:
        content = stored.read()
    return attachment(content, filetypes.download_name(document.original_name, document.content_type))


def _document(request, pk) -> ApplicationDocument:
    """The document, if its application is one the user may read (else 404: its existence is not revealed)."""
    document = get_object_or_404(ApplicationDocument.objects.select_related("application__call", "organisation"),
                                 pk=pk)
    require_visible(request.user, "programs.view_application", document.application)
    return document


def _documents_of(application: Application) -> str:
    return f"{application.get_absolute_url()}#documents"
