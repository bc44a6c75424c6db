"""A notification stores what happened and is written in the reader's language when read."""

import pytest
from django.urls import reverse
from django.utils import translation

from grappe.core import notify
from grappe.core.models import Notification


def page(client, user, language: str) -> str:
    client.force_login(user)
    with translation.override(language):
        return client.get(reverse("core:notifications")).content.decode()


def test_a_notice_written_while_browsing_in_english_reads_in_french_on_a_french_page(client, org_user):
    with translation.override("en"):
        notify.send([org_user], "events.agenda_published", {"event_id": 1, "event": "Journée B2B"}, "/en/events/1/")

    french, english = page(client, org_user, "fr"), page(client, org_user, "en")
    assert "Votre horaire pour « Journée B2B » est publié" in french and "Your agenda" not in french
    assert 'href="/fr/events/1/"' in french, "the link opens the page in the reader's language"
    assert "Your agenda for “Journée B2B” is published" in english and 'href="/en/events/1/"' in english


def test_a_notice_written_as_a_sentence_before_notices_stored_their_kind_still_shows(client, org_user):
    Notification.objects.create(user=org_user, kind="core.text", params={"text": "Your agenda for “Salon” is out."})

    assert "Your agenda for “Salon” is out." in page(client, org_user, "fr")


def test_a_user_sees_only_their_own_notices(client, org_user, other_member):
    notify.send([other_member], "core.text", {"text": "For Bravo's eyes only"})
    notify.send([org_user], "core.text", {"text": "For Alpha"})

    shown = page(client, org_user, "fr")
    assert "For Alpha" in shown and "For Bravo" not in shown


def test_a_notice_whose_kind_is_no_longer_known_does_not_break_the_page(client, org_user):
    Notification.objects.create(user=org_user, kind="gone.away", params={})

    assert page(client, org_user, "en").count("A notice that can no longer be shown.") == 1


def test_a_service_cannot_send_a_notice_no_app_says_how_to_write(org_user):
    with pytest.raises(ValueError):
        notify.send([org_user], "nobody.knows", {})
    assert not Notification.objects.exists()

