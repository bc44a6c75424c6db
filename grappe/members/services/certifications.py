"""An organisation's certifications: add, change, remove, and the reminder mailed before one expires."""

import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grappe.core import audit, notify, outbox
from grappe.core.permissions import require

from ..directory_cache import bump_directory_version
from ..models import REMINDER_DAYS_BEFORE_EXPIRY, Certification, Organisation, OrgRole, Person
from ..search import refresh_search_text


def save_certification(*, actor, organisation: Organisation, data: dict,
                       certification: Certification | None = None) -> Certification:
    require(actor, "members.change_organisation", organisation)
    with transaction.atomic():
        if certification is not None:
            # The row as it is now, not as the caller read it: the reminder job may have stamped it since.
            certification = Certification.objects.select_for_update().get(pk=certification.pk)
        before = audit.snapshot(certification) if certification else None
        certification = certification or Certification(organisation=organisation)
        for name in ("certification_type", "certificate_number", "issued_on", "expires_on", "scope"):
            if name in data:
                setattr(certification, name, data[name])
        if before and before.get("expires_on") != str(certification.expires_on):
            certification.reminder_sent_on = None  # a renewed certificate gets a new reminder
        certification.save()
        refresh_search_text(organisation)
        audit.record(actor, "certification.changed" if before else "certification.added", certification,
                     before=before, after=audit.snapshot(certification))
        bump_directory_version()
    return certification


def remove_certification(*, actor, certification: Certification) -> None:
    require(actor, "members.change_organisation", certification.organisation)
    with transaction.atomic():
        audit.record(actor, "certification.removed", certification, before=audit.snapshot(certification))
        certification.delete()
        refresh_search_text(certification.organisation)
        bump_directory_version()


def send_certification_reminders(today: datetime.date | None = None) -> int:
    """Mail each organisation's admins once about certifications that expire within 60 days."""
    today = today or timezone.localdate()
    due = (
        Certification.objects.filter(expires_on__gte=today,
                                     expires_on__lte=today + datetime.timedelta(days=REMINDER_DAYS_BEFORE_EXPIRY),
                                     reminder_sent_on__isnull=True)
        .select_related("organisation", "certification_type")
    )
    sent = 0
    for certification in due:
        with transaction.atomic():
            claimed = Certification.objects.filter(pk=certification.pk, reminder_sent_on__isnull=True).update(
                reminder_sent_on=today)
            if not claimed:
                continue  # another worker sent it
            audit.record(None, "certification.reminder_sent", certification)
            admins = certification.organisation.people.filter(
                org_role=OrgRole.ADMIN, is_active=True, user__isnull=False).select_related("user")
            for person in admins:
                _mail_certification_reminder(person, certification)
            kind = certification.certification_type
            notify.on_commit(notify.send, [p.user for p in admins], "members.certification_expiring",
                             {"certification_id": certification.pk, "label_fr": kind.label_fr,
                              "label_en": kind.label_en, "expires_on": certification.expires_on.isoformat()},
                             certification.organisation.get_absolute_url())
        sent += 1
    return sent


def _mail_certification_reminder(person: Person, certification: Certification) -> None:
    with translation.override(person.language):
        context = {"person": person, "certification": certification}
        outbox.queue(
            person.email,
            _("Your certification %(name)s expires soon") % {"name": certification.certification_type.label},
            render_to_string("members/email/certification_reminder.txt", context),
        )
