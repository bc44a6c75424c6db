"""Certifications: valid dates, one certificate per type, one reminder per expiry to the admins."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from grappe.conftest import make_member
from grappe.core import notify
from grappe.core.models import AuditEntry, Notification
from grappe.members.models import Certification, CertificationType, OrgRole
from grappe.members.services import certifications

TODAY = datetime.date(2025, 3, 1)


def in_days(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


def certify(organisation, code: str, expires_on=None, issued_on=None) -> Certification:
    return Certification.objects.create(organisation=organisation, expires_on=expires_on, issued_on=issued_on,
                                        certification_type=CertificationType.objects.get(code=code))


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the reminders as the daily job does, with mail sent once each transaction commits."""
    def run(today=TODAY) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return certifications.send_certification_reminders(today=today)
    return run


# What the database refuses ----------------------------------------------------------------------

@pytest.mark.parametrize("expires_on", [datetime.date(2024, 6, 1), datetime.date(2024, 5, 31)])
def test_a_certificate_cannot_expire_before_it_is_issued(org_a, expires_on):
    with pytest.raises(IntegrityError), transaction.atomic():
        certify(org_a, "as9100", issued_on=datetime.date(2024, 6, 1), expires_on=expires_on)


def test_one_certificate_per_type_per_organisation(org_a, org_b):
    certify(org_a, "as9100")
    certify(org_b, "as9100")
    with pytest.raises(IntegrityError), transaction.atomic():
        certify(org_a, "as9100")


def test_the_form_says_when_the_dates_are_in_the_wrong_order(client, org_admin, org_a):
    client.force_login(org_admin)
    with translation.override("en"):
        url = reverse("members:certification-create", args=[org_a.slug])

    response = client.post(url, {"certification_type": CertificationType.objects.get(code="as9100").pk,
                                 "issued_on": "2024-06-01", "expires_on": "2024-01-01", "scope": "Machining"})

    assert response.status_code == 200
    assert "The expiry date must come after the issue date." in response.content.decode()
    assert 'value="Machining"' in response.content.decode()
    assert not org_a.certifications.exists()


# Reminders ---------------------------------------------------------------------------------------

@pytest.fixture
def admins(org_a, org_admin):
    """Organisation A has two admins with accounts, one plain member user and one admin without account."""
    second = make_member(org_a, "quality@alpha.test", OrgRole.ADMIN, language="en")
    make_member(org_a, "user@alpha.test")
    org_a.people.create(first_name="No", last_name="Account", email="noaccount@alpha.test",
                        org_role=OrgRole.ADMIN)
    return [org_admin, second]


def test_admins_are_reminded_once_of_a_certification_expiring_within_60_days(
        org_a, admins, remind, mailoutbox):
    certification = certify(org_a, "as9100", expires_on=in_days(60))

    assert remind() == 1

    assert sorted(m.to[0] for m in mailoutbox) == sorted(a.email for a in admins)
    assert all("AS9100" in m.subject for m in mailoutbox)
    certification.refresh_from_db()
    assert certification.reminder_sent_on == TODAY
    assert AuditEntry.objects.filter(action="certification.reminder_sent",
                                     target_id=str(certification.pk)).count() == 1
    assert Notification.objects.filter(user__in=admins).count() == 2


def test_the_reminder_notice_names_the_certification_in_the_readers_language(org_a, admins, remind):
    kind = CertificationType.objects.get(code="as9100")
    kind.label_fr, kind.label_en = "AS9100 (qualité aérospatiale)", "AS9100 (aerospace quality)"
    kind.save()
    certify(org_a, "as9100", expires_on=datetime.date(2026, 7, 1))
    with translation.override("en"):
        remind(today=datetime.date(2026, 6, 1))

    notice = Notification.objects.filter(user=admins[0]).get()
    with translation.override("fr"):
        assert notify.readable(notice).text.startswith("La certification AS9100 (qualité aérospatiale) expire le ")
    with translation.override("en"):
        assert notify.readable(notice).text.startswith("Certification AS9100 (aerospace quality) expires on ")


def test_a_reminder_is_never_sent_twice(org_a, admins, remind, mailoutbox):
    certify(org_a, "as9100", expires_on=in_days(30))
    remind()
    mailoutbox.clear()

    assert remind() == 0
    assert remind(in_days(10)) == 0
    assert mailoutbox == []


@pytest.mark.parametrize("days", [-1, 61, 365])
def test_no_reminder_for_expired_or_far_off_certifications(org_a, admins, remind, mailoutbox, days):
    certify(org_a, "as9100", expires_on=in_days(days))

    assert remind() == 0
    assert mailoutbox == []


def test_no_reminder_for_a_certification_without_expiry(org_a, admins, remind, mailoutbox):
    certify(org_a, "cgp")
    assert remind() == 0


def test_each_admin_is_reminded_in_their_language(org_a, admins, remind, mailoutbox):
    certify(org_a, "as9100", expires_on=in_days(20))
    remind()

    by_recipient = {m.to[0]: m for m in mailoutbox}
    english = by_recipient["quality@alpha.test"]
    assert english.body.startswith("Hello")
    assert "AS9100 — Quality management systems (aerospace)" in english.body
    with translation.override("fr"):
        expected = translation.gettext("Your certification %(name)s expires soon") % {
            "name": "AS9100 — Systèmes de management de la qualité (aérospatiale)"}
    assert by_recipient["admin@alpha.test"].subject == expected


def test_renewing_a_certification_arms_a_new_reminder(org_a, org_admin, admins, remind, mailoutbox):
    certification = certify(org_a, "as9100", expires_on=in_days(30))
    remind()
    mailoutbox.clear()

    certifications.save_certification(actor=org_admin, organisation=org_a, certification=certification,
                                data={"expires_on": in_days(395)})

    certification.refresh_from_db()
    assert certification.reminder_sent_on is None
    assert remind() == 0, "the new expiry is a year away"
    assert remind(in_days(340)) == 1
    assert len(mailoutbox) == len(admins)


def test_editing_something_else_does_not_re_arm_the_reminder(org_a, org_admin, admins, remind, mailoutbox):
    certification = certify(org_a, "as9100", expires_on=in_days(30))
    remind()

    certifications.save_certification(actor=org_admin, organisation=org_a, certification=certification,
                                data={"certificate_number": "AS-123"})

    certification.refresh_from_db()
    assert certification.reminder_sent_on == TODAY
    assert remind(in_days(1)) == 0
