"""What a participant reads in its notifications: in the language it browses in, and an invitation to ask for
meetings that no longer holds once the requests closed."""

from django.urls import reverse
from django.utils import translation

from grappe.conftest import committed
from grappe.events.models import Phase
from grappe.events.services import organiser, requests


def page(client, user, language: str) -> str:
    client.force_login(user)
    with translation.override(language):
        return client.get(reverse("core:notifications")).content.decode()


def test_a_request_sent_by_someone_browsing_in_english_reads_in_french_on_a_french_page(
        client, org_user, other_member, alpha, bravo):
    with translation.override("en"):
        requests.send_request(user=org_user, participant=alpha, recipient=bravo)

    french, english = page(client, other_member, "fr"), page(client, other_member, "en")
    assert "user Test (Alpha Usinage) demande à vous rencontrer" in french and "asks to meet" not in french
    assert "user Test (Alpha Usinage) asks to meet you" in english


def test_the_invitation_to_ask_for_meetings_lapses_once_the_requests_close(client, event, staff, org_user, alpha,
                                                                        bravo):
    event.phase = Phase.REGISTRATION
    event.save()
    with committed():
        organiser.change_phase(actor=staff, event=event, action="open_requests")
    with translation.override("fr"):
        invitation = reverse("events:participant-list", args=[event.pk])

    assert f'href="{invitation}"' in page(client, org_user, "fr")

    organiser.change_phase(actor=staff, event=event, action="close_requests")
    closed = page(client, org_user, "fr")
    assert f'href="{invitation}"' not in closed, "no longer a link to act on"
    assert "<del>Vous pouvez maintenant demander" in closed and "Les demandes de rencontre sont closes." in closed

    organiser.change_phase(actor=staff, event=event, action="open_requests")  # the organiser reopens them
    assert f'href="{invitation}"' in page(client, org_user, "fr")
