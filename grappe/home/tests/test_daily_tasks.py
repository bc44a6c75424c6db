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
