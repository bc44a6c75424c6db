import datetime

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from grappe.members.models import Certification, CertificationType


def test_the_daily_command_sends_the_certification_reminders(org_admin, org_a, settings,
                                                            django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    Certification.objects.create(organisation=org_a, certification_type=CertificationType.objects.get(code="as9100"),
                                 expires_on=timezone.localdate() + datetime.timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("queue_daily_tasks")
    assert [m.to for m in mail.outbox] == [[org_admin.email]]


def test_the_daily_command_reminds_owners_of_governance_actions(org_user, settings,
                                                                django_capture_on_commit_callbacks):
    from grappe.governance.models import ActionItem, Meeting
    from grappe.governance.tests.factories import make_body, seat

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    body = make_body()
    seat(body, org_user)
    starts = timezone.now() - datetime.timedelta(days=7)
    meeting = Meeting.objects.create(body=body, starts_at=starts, ends_at=starts + datetime.timedelta(hours=1),
                                     place="Salle 3")
    ActionItem.objects.create(meeting=meeting, description="Envoyer le budget", owner=org_user,
                              due_on=timezone.localdate() + datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("queue_daily_tasks")
    assert [m.to for m in mail.outbox] == [[org_user.email]]
    assert "Envoyer le budget" in mail.outbox[0].subject
