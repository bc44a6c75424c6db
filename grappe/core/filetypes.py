"""What an uploaded document is, read from its content and never from its name: a PDF, a Word document (DOCX), an
Excel workbook (XLSX) or a PowerPoint presentation (PPTX), or nothing we accept. Each app says which it takes
(programs: the first three; governance's agenda documents: all four).

A name says nothing: "budget.pdf" may be a web page or a program. A PDF starts with "%PDF-". DOCX and XLSX are
zip files (Office Open XML) whose "[Content_Types].xml" declares the main part of a Word document, a workbook
or a presentation, and that part is there ("word/…", "xl/…", "ppt/…"). Macro-enabled files (.docm, .xlsm, .pptm)
declare another main
part and are refused. Nothing is unpacked but "[Content_Types].xml", itself bounded: a zip bomb costs nothing.
"""

import io
import re
import zipfile
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _

MEGABYTE = 1024 * 1024
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class DocumentType(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    XLSX = "xlsx", "Excel (XLSX)"
    PPTX = "pptx", "PowerPoint (PPTX)"


CONTENT_TYPES_PART = "[Content_Types].xml"
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
# The main part each type declares in [Content_Types].xml, and where that part lives.
OFFICE_TYPES = {
    DocumentType.DOCX: ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                        "word/"),
    DocumentType.XLSX: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/"),
    DocumentType.PPTX: ("application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
                        "ppt/"),
}
EXTENSIONS = {DocumentType.PDF: ".pdf", DocumentType.DOCX: ".docx", DocumentType.XLSX: ".xlsx",
              DocumentType.PPTX: ".pptx"}


def detect(content: bytes, accepted=tuple(DocumentType)) -> DocumentType | None:
    """The type of the file `content`, or None when it is none of the `accepted` types."""
    found = _detect(content)
    return found if found in accepted else None


def _detect(content: bytes) -> DocumentType | None:
    if content.startswith(b"%PDF-"):
        return DocumentType.PDF
    if not content.startswith(b"PK"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            part = archive.getinfo(CONTENT_TYPES_PART) if CONTENT_TYPES_PART in names else None
            if part is None or part.file_size > MAX_CONTENT_TYPES_BYTES:
                return None
            declared = archive.read(part).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, OSError, ValueError):
        return None  # damaged, encrypted, or compressed in a way we do not read: not a document we accept
    for kind, (main_part, folder) in OFFICE_TYPES.items():
        declares = re.search(r"ContentType\s*=\s*[\"']" + re.escape(main_part) + r"[\"']", declared)
        if declares and any(name.startswith(folder) for name in names):
            return kind
    return None


def download_name(original_name: str, kind: DocumentType) -> str:
    """The name a reader saves the document as: the sender's, with the extension of what it really is."""
    stem = PurePath(original_name).stem or "document"
    return f"{stem}{EXTENSIONS[DocumentType(kind)]}"


def size_text(size: int) -> str:
    """A file's size as the reader writes it, the one way the pages show one: in megabytes from one ("20 MB",
    "25,3 Mo"), in kilobytes below ("340 KB", "1 Ko" at least)."""
    if size < MEGABYTE:
        return _("%(count)s KB") % {"count": number_format(max(1, round(size / 1024)))}
    megabytes = (Decimal(size) / MEGABYTE).quantize(Decimal("0.1"))
    value = megabytes.quantize(Decimal(1)) if megabytes == megabytes.to_integral() else megabytes
    return _("%(count)s MB") % {"count": number_format(value)}


def original_name(upload: UploadedFile) -> str:
    """The sender's file name, without any folder or control character (shown, never used as a path)."""
    name = CONTROL_CHARACTERS.sub("", (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return (name or "document")[-255:]


def checked_content(upload: UploadedFile, limit: int) -> bytes:
    """The uploaded file's content, refused with the reason when it weighs more than `limit` bytes or nothing."""
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” weighs %(size)s: a document may weigh at most %(limit)s.") % {
                "name": original_name(upload), "size": size_text(upload.size), "limit": size_text(limit)},
            code="too_large")
    upload.seek(0)
    content = upload.read(limit + 1)
    if not content:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": original_name(upload)}, code="empty")
    return content
