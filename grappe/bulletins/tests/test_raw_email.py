"""One-click unsubscribe from the email as it leaves: a bulletin goes through the real sending job and the outbox,
the message is rendered to bytes and parsed as a mail provider would, and its List-Unsubscribe address is POSTed
"List-Unsubscribe=One-Click" (RFC 8058) with no session and CSRF checks on. The person then gets nothing more of
that category, still gets the others, and still gets notices to members."""

import email
import email.policy
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from grappe.bulletins.models import Category, Unsubscription
from grappe.bulletins.services import sending
from grappe.conftest import committed, make_organisation, make_staff
from grappe.core.models import AuditEntry
from grappe.members.models import Person, Role

from .factories import make_bulletin

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.GRAPPE_BASE_URL = "https://grappe.test"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with translation.override("en"):
        yield


@pytest.fixture
def writer(db):
    return make_staff("comms@grappe.test", role=Role.STAFF_COMMUNICATIONS)


@pytest.fixture
def lea(db):
    alpha = make_organisation("Alpha Usinage")
    Person.objects.create(organisation=alpha, email="marc@alpha.test", first_name="Marc", last_name="Roy",
                          language="fr", consent_communications=True)  # so that every bulletin reaches someone
    return Person.objects.create(organisation=alpha, email="lea@alpha.test", first_name="Léa", last_name="Roy",
                                 language="fr", consent_communications=True)


def send(writer, title, category):
    mail.outbox.clear()
    with committed():
        sending.send_now(actor=writer, bulletin=make_bulletin(title=title, category=category, created_by=writer))
    return [m for m in mail.outbox if m.to == ["lea@alpha.test"]]


def raw(message) -> email.message.EmailMessage:
    """The message as bytes on the wire, read back by Python's mail parser."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def test_one_click_from_the_raw_email_stops_that_category_only(writer, lea):
    [sent] = send(writer, "Tarifs douaniers", Category.ECONOMIC)
    parsed = raw(sent)
    assert parsed["Subject"] == "Tarifs douaniers"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = str(parsed["List-Unsubscribe"]).strip()  # a long header is folded: whitespace before the "<"
    assert header.startswith("<https://grappe.test/") and header.endswith(">"), header
    address = urlsplit(header[1:-1])
    assert address.scheme == "https" and address.netloc == "grappe.test"

    provider = Client(enforce_csrf_checks=True)  # a mail provider: no cookie, no CSRF token
    response = provider.post(address.path, "List-Unsubscribe=One-Click",
                             content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200

    assert list(Unsubscription.objects.filter(person=lea).values_list("topic", flat=True)) == [Category.ECONOMIC]
    entry = AuditEntry.objects.get(action="mail.unsubscribed")
    assert entry.actor is None and entry.target_id == str(lea.pk)

    assert send(writer, "Tarifs, suite", Category.ECONOMIC) == []
    [regulatory] = send(writer, "Nouvelles normes", Category.REGULATORY)
    assert raw(regulatory)["Subject"] == "Nouvelles normes"
    [notice] = send(writer, "Assemblée générale", Category.NOTICE)
    assert raw(notice)["Subject"] == "Assemblée générale"
