"""An application's documents: attached to the draft by the lead's people or a partner's, removed while it is a
draft, required by the call before the application is submitted. Every addition and removal is audited on the
application.

A document is accepted for what its content is (core.filetypes: PDF, DOCX, XLSX), within a size
(settings.GRAPPE_PROGRAM_DOCUMENT_MAX_BYTES), and stored in the default storage (MEDIA_ROOT, which no URL
serves) under a name of ours; views/documents.py hands it out, as an attachment, to whoever may read the
application.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from grappe.core import audit, filetypes, notify
from grappe.core.errors import Conflict
from grappe.core.permissions import require
from grappe.members.models import User

from ..models import Application, ApplicationDocument, DocumentKind, DocumentType

def upload_document(*, actor: User, application: Application, kind: str, upload: UploadedFile) -> ApplicationDocument:
    """Attach a file to the draft application as a document of `kind`; refused, with the reason, when it is too
    large or is not a PDF, DOCX or XLSX file whatever its name says."""
    require(actor, "programs.add_document", application)
    if kind not in DocumentKind.values:
        raise ValidationError(_("Choose what this document is."), code="kind")
    content = filetypes.checked_content(upload, settings.GRAPPE_PROGRAM_DOCUMENT_MAX_BYTES)
    name = filetypes.original_name(upload)
    content_type = filetypes.detect(content, DocumentType.values)
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, Word (.docx) or Excel (.xlsx) document: whatever its name says, its content "
              "is not. Save it in one of those formats and send it again.") % {"name": name},
            code="file_type")
    with transaction.atomic():
        application = _draft(application)
        document = ApplicationDocument(application=application, kind=kind, original_name=name,
                                       content_type=content_type, size=len(content),
                                       organisation=actor.organisation, uploaded_by=actor)
        document.file.save(f"{uuid.uuid4().hex}{filetypes.EXTENSIONS[content_type]}", ContentFile(content),
                           save=False)
        try:  # the file is stored before its row: a failure from here on must not leave it behind
            document.save()
            audit.record(actor, "application.document_added", application,
                         after={"documents": document_json(document)})
        except BaseException:
            document.file.delete(save=False)
            raise
    return document


def delete_document(*, actor: User, document: ApplicationDocument) -> None:
    """Remove a document of a draft application. One an earlier, submitted version holds is only withdrawn from
    the draft (that version keeps it, file and all); any other goes, its file once the removal is committed."""
    require(actor, "programs.delete_document", document)
    with transaction.atomic():
        _draft(document.application)
        document = ApplicationDocument.objects.select_for_update().get(pk=document.pk)
        if document.withdrawn_at is not None:
            raise Conflict(_("This document is already removed."), code="removed")
        before = {"documents": document_json(document)}
        if document.versions.exists():
            document.withdrawn_at = timezone.now()
            document.save(update_fields=["withdrawn_at"])
        else:
            name, storage = document.file.name, document.file.storage
            document.delete()
            notify.on_commit(storage.delete, name)
        audit.record(actor, "application.document_removed", document.application, before=before)


def missing_kinds(application: Application) -> list[str]:
    """The kinds of document the call requires that the application does not have yet, in the call's order."""
    present = set(application.documents.current().values_list("kind", flat=True))
    return [kind for kind in application.call.required_documents if kind not in present]


def check_required_documents(application: Application) -> None:
    """Refuse, naming them, when documents the call requires are missing (called at submission)."""
    missing = missing_kinds(application)
    if missing:
        raise ValidationError(
            _("The call requires documents this application lacks: %(kinds)s. Attach them, then submit again.")
            % {"kinds": get_text_list([str(DocumentKind(kind).label) for kind in missing], _("and"))},
            code="documents_missing")


def max_size_text() -> str:
    return filetypes.size_text(settings.GRAPPE_PROGRAM_DOCUMENT_MAX_BYTES)


def _draft(application: Application) -> Application:
    """The application locked, if it is still a draft (documents change only then)."""
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    if not application.is_editable:
        raise Conflict(_("A submitted application cannot be changed. The cluster staff may reopen it."),
                       code="submitted")
    return application


def document_json(document: ApplicationDocument) -> dict:
    """A document as the audit trail and a reopened application's earlier version keep it."""
    return {"id": document.pk, "kind": document.kind, "original_name": document.original_name,
            "content_type": document.content_type, "size": document.size,
            "organisation": document.organisation_id}
