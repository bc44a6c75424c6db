"""Every file a person downloads from Grappe (a PDF, a spreadsheet, a calendar) leaves through `attachment`,
so that all of them are sent the same way:

- the content type follows from the file name's extension (CONTENT_TYPES);
- the file name is the one the caller built in the reader's language (`pgettext("file name", …)`): it is
  sent twice in Content-Disposition, as RFC 6266 advises, plain ASCII in `filename` for old clients
  ("grappe-repertoire-2026-03-01.csv") and exactly, accents included, in `filename*` (RFC 5987, UTF-8);
- a confidential document (all of Grappe's are by default: contacts, answers, briefs for the government)
  is `Cache-Control: private, no-store`, so that no shared cache, nor the browser's disk cache, keeps a
  copy once the person has saved it.
"""

import re
import unicodedata
from pathlib import PurePath
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.cache import patch_cache_control

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".csv": "text/csv; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
}

_NOT_PLAIN = re.compile(r"[^A-Za-z0-9._-]+")


def attachment(content: bytes, filename: str, *, confidential: bool = True) -> HttpResponse:
    """`content` sent as a file to save as `filename` (its extension names the content type)."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[PurePath(filename).suffix.lower()])
    response["Content-Disposition"] = content_disposition(filename)
    if confidential:
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, private=True)
    return response


def content_disposition(filename: str) -> str:
    """`attachment; filename="ascii"; filename*=UTF-8''exact` for a name in any language."""
    return f"attachment; filename=\"{ascii_filename(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"


def ascii_filename(filename: str) -> str:
    """The name without its accents, other characters outside [A-Za-z0-9._-] made dashes: "répertoire
    (mars).csv" is "repertoire-mars-.csv"."""
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    return _NOT_PLAIN.sub("-", plain) or "download"
