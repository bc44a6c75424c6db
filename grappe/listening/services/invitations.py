"""Writes of listening's invitations: the staff invite a survey's target organisations and remind those that
have not answered (also daily, before a survey closes); the mails go out in a background job.

Each function checks the actor's right (rules.py), works in one transaction and leaves an audit entry; the
mails are queued once the transaction commits (tasks.mail_survey_task, whose work is `mail_survey`).
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from grappe.core import audit, feed_versions, jobs, outbox
from grappe.core.links import absolute_url
from grappe.core.permissions import require
from grappe.members.models import Organisation, User

from ..models import Invitation, Survey, SurveyStatus
from ..selectors import insights_cache
from ..selectors.surveys import pending_invitations, target_organisations


def send_invitations(*, actor, survey: Survey, organisations: Iterable[Organisation] | None = None) -> int:
    """Invite the target's organisations not invited yet (or the ones given) and mail their people, each in
    their own language. Returns how many organisations were newly invited; sending twice invites nobody twice."""
    require(actor, "listening.manage_surveys", survey)
    if survey.status != SurveyStatus.OPEN:
        raise ValidationError(_("Open the survey before sending invitations."), code="not_open")
    targets = list(organisations if organisations is not None else target_organisations(survey))
    now = timezone.now()
    with transaction.atomic():
        already = set(survey.invitations.values_list("organisation_id", flat=True))
        new = [Invitation(survey=survey, organisation=o, sent_at=now) for o in targets if o.pk not in already]
        Invitation.objects.bulk_create(new, ignore_conflicts=True)
        invited = [invitation.organisation_id for invitation in new]
        audit.record(actor, "survey.invitations_sent", survey, after={"organisations": invited})
        insights_cache.bump()
        feed_versions.bump_cluster()  # the survey waits in the invited organisations' feeds
        _queue_mail(survey.pk, invited, "invitation")
    return len(new)


def send_reminders(*, actor, survey: Survey) -> int:
    """Remind the invited organisations that have not submitted. Returns how many were reminded."""
    require(actor, "listening.manage_surveys", survey)
    return _remind(actor, survey)


def _remind(actor, survey: Survey) -> int:
    if not survey.accepts_answers():
        raise ValidationError(_("This survey no longer accepts answers: there is nothing to remind."),
                              code="not_open")
    with transaction.atomic():
        pending = list(pending_invitations(survey).select_for_update(of=("self",)))
        ids = [invitation.pk for invitation in pending]
        Invitation.objects.filter(pk__in=ids).update(reminded_at=timezone.now(), reminders=F("reminders") + 1)
        reminded = [invitation.organisation_id for invitation in pending]
        audit.record(actor, "survey.reminders_sent", survey, after={"organisations": reminded})
        _queue_mail(survey.pk, reminded, "reminder")
    return len(pending)


def send_due_reminders(*, days_before_closing: int = 3) -> int:
    """Remind once the organisations that have not answered a survey closing within the next days (daily task)."""
    now = timezone.now()
    horizon = now + timezone.timedelta(days=days_before_closing)
    reminded = 0
    for survey in Survey.objects.filter(status=SurveyStatus.OPEN, closes_at__gt=now, closes_at__lte=horizon):
        if pending_invitations(survey).filter(
                Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - timezone.timedelta(days=days_before_closing))
        ).exists():
            reminded += _remind(None, survey)
    return reminded


def _queue_mail(survey_id: int, organisation_ids: list[int], kind: str) -> None:
    """Hundreds of mails are a background task's work, not a request's (queued once the transaction commits)."""
    if organisation_ids:
        jobs.enqueue("grappe.listening.tasks.mail_survey_task", survey_id, organisation_ids, kind)


def mail_survey(survey_id: int, organisation_ids: list[int], kind: str) -> None:
    """One mail per person with an account in the organisations, in that person's language, put in the outbox
    in one transaction (one sending task for them all)."""
    survey = Survey.objects.get(pk=survey_id)
    users = (User.objects.filter(person__organisation_id__in=organisation_ids, person__is_active=True, is_active=True)
             .select_related("person__organisation"))
    with transaction.atomic():
        for user in users:
            with translation.override(user.language):
                context = {"user": user, "survey": survey, "organisation": user.person.organisation,
                           "url": absolute_url(reverse("listening:survey-answer", args=[survey.pk])),
                           "kind": kind}
                subject = (_("Survey: %(title)s") if kind == "invitation"
                           else _("Reminder — survey: %(title)s")) % {"title": survey.title}
                outbox.queue(user.email, subject, render_to_string("listening/email/survey.txt", context))
