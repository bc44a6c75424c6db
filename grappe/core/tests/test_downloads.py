"""Files people download (grappe.core.downloads): content type from the extension, the name in the reader's
language with its accents (RFC 5987) and an ASCII stand-in, and no copy kept in a cache."""

from urllib.parse import unquote

from django.urls import reverse
from django.utils import translation

from grappe.core import downloads


def test_an_accented_french_name_is_sent_exactly_and_in_ascii():
    response = downloads.attachment(b"a;b\n", "grappe-répertoire-2026-03-01.csv")
    disposition = response["Content-Disposition"]
    assert disposition == ("attachment; filename=\"grappe-repertoire-2026-03-01.csv\"; "
                           "filename*=UTF-8''grappe-r%C3%A9pertoire-2026-03-01.csv")
    assert unquote(disposition.split("UTF-8''")[1]) == "grappe-répertoire-2026-03-01.csv"
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_characters_that_would_break_the_header_are_not_sent_as_is():
    disposition = downloads.content_disposition('note "mars"; été/1.pdf')
    assert disposition.startswith('attachment; filename="note-mars-ete-1.pdf"; filename*=UTF-8\'\'')
    assert '"' not in disposition.split("filename*=")[1] and ";" not in disposition.split("filename*=")[1]


def test_the_content_type_follows_the_extension():
    assert downloads.attachment(b"%PDF", "brief.pdf")["Content-Type"] == "application/pdf"
    assert downloads.attachment(b"PK", "x.XLSX")["Content-Type"].endswith("spreadsheetml.sheet")


def test_a_confidential_document_is_kept_by_no_cache():
    cache_control = {part.strip() for part in downloads.attachment(b"", "x.pdf")["Cache-Control"].split(",")}
    assert cache_control == {"private", "no-store"}
    assert downloads.attachment(b"", "x.pdf", confidential=False)["Cache-Control"] == "private"


def test_the_directory_export_is_named_in_the_readers_language(client, staff):
    client.force_login(staff)
    with translation.override("fr"):
        response = client.get(reverse("members:directory-export") + "?format=csv")
    assert response.status_code == 200, response.status_code
    assert "filename*=UTF-8''grappe-r%C3%A9pertoire-" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
