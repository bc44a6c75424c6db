"""Who may open a page (grappe.core.pages.page_for) and how a refusal is told (refused), for every app."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import RequestFactory
from django.urls import reverse

from grappe.core.pages import page_for, refused

pytestmark = pytest.mark.django_db


@page_for("members.export_directory")
def staff_view(request, pk):
    return HttpResponse(f"page {pk}")


def get(user):
    request = RequestFactory().get("/fr/somewhere/")
    request.user = user
    return request


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back():
    response = staff_view(get(AnonymousUser()), pk=3)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next=/fr/somewhere/"


def test_a_signed_in_person_without_the_permission_is_refused(org_user):
    with pytest.raises(PermissionDenied):  # Django answers 403
        staff_view(get(org_user), pk=3)


def test_a_person_with_the_permission_gets_the_page(staff):
    response = staff_view(get(staff), pk=3)
    assert response.content == b"page 3"
    assert staff_view.__name__ == "staff_view"


def test_over_http_the_refusal_is_a_403(client, org_user):
    client.force_login(org_user)
    assert client.get(reverse("members:directory-export")).status_code == 403


def test_refused_shows_the_services_reason():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    refused(request, ValidationError(["Closed.", "Try later."]))
    assert [str(message) for message in get_messages(request)] == ["Closed. Try later."]


def test_the_browser_finds_the_site_icon_at_favicon_ico(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("grappe/favicon.ico")


def test_a_plain_link_in_an_alert_keeps_the_alerts_readable_colour():
    from django.conf import settings
    css = (settings.BASE_DIR / "grappe" / "static" / "grappe" / "grappe.css").read_text()
    assert ".alert a:not(.btn) { color: var(--bs-alert-link-color)" in css


def test_every_table_of_the_members_partnering_and_listening_pages_scrolls_inside_itself_on_a_phone():
    """A wide table scrolls within its own box ({% scroll_box %}), never the whole page at 390 px."""
    import re

    from django.conf import settings
    unwrapped = []
    for app in ("members", "partnering", "listening"):
        for path in (settings.BASE_DIR / "grappe" / app / "templates").rglob("*.html"):
            if "dashboard" in path.name or "pdf" in path.name or path.name == "_brief_body.html":
                continue  # dashboards and printed documents are laid out on their own
            text = path.read_text()
            for match in re.finditer(r"<table", text):
                if "{% scroll_box" not in text[max(0, match.start() - 120):match.start()]:
                    unwrapped.append(path.name)
    assert unwrapped == []


def test_the_api_reference_page_says_its_language_and_uses_readable_colours(client):
    response = client.get("/api/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html and "grappe/api-docs.css" in html
