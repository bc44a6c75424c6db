"""The subjects an organisation's admin may ask a colleague about that belong to the apps above members
(members.request_subjects): the open surveys the organisation is invited to and has not submitted, the events not
over yet (where a person keeps their event profile), and the consortium shares of its organisation still to confirm.
Registered from HomeConfig.ready(): home is the floor that may read every app."""

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from grappe.events.models import Event, Phase
from grappe.listening.selectors import surveys
from grappe.members import request_subjects
from grappe.members.models import RequestKind
from grappe.members.request_subjects import Subject
from grappe.programs.models import EDITABLE_STATUSES, ConsortiumMember


def open_surveys(organisation) -> list[Subject]:
    return [Subject(survey.pk, survey.title_fr, survey.title_en) for survey in surveys.surveys_to_answer(organisation)]


def coming_events(organisation) -> list[Subject]:
    today = timezone.localdate()
    events = (Event.objects.exclude(phase__in=[Phase.DRAFT, Phase.FINISHED])
              .annotate(last_day=Max("sessions__date")).filter(last_day__gte=today).order_by("last_day", "pk"))
    return [Subject(event.pk, event.title, event.title) for event in events]


def shares_to_confirm(organisation) -> list[Subject]:
    rows = (ConsortiumMember.objects.filter(organisation=organisation, confirmed_at__isnull=True,
                                            application__status__in=EDITABLE_STATUSES)
            .select_related("application"))
    return [Subject(row.application_id, row.application.title, row.application.title) for row in rows]


def register() -> None:
    request_subjects.register(RequestKind.SURVEY, options=open_surveys,
                              url=lambda pk: reverse("listening:survey-answer", args=[pk]))
    request_subjects.register(RequestKind.EVENT_PROFILE, options=coming_events,
                              url=lambda pk: reverse("events:event-detail", args=[pk]))
    request_subjects.register(RequestKind.CONSORTIUM_SHARE, options=shares_to_confirm,
                              url=lambda pk: reverse("programs:application-detail", args=[pk]))
