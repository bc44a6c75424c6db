"""Reads of listening's surveys, shared by the pages, the API and the figures: who a survey is sent to, the
surveys of a member and of the staff, responses and their answers, and `answer_rows`, what the survey
results count (one row per answer to a closed question, as (organisation_id, keys, value), never text: the
aggregation service groups them and suppresses any group of fewer than k distinct organisations).
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from grappe.members import segments
from grappe.members.models import MembershipStatus, Organisation

from ..models import Answer, Invitation, QuestionKind, Response, ResponseStatus, Survey, SurveyStatus


def target_organisations(survey: Survey) -> QuerySet[Organisation]:
    """The organisations a survey is sent to: its target segment's organisations, every active member while no
    segment is set. A segment that names no membership status means active members, as "SMEs in Montérégie"
    does in speech; one that names statuses (prospects…) is taken at its word."""
    segment = survey.target_segment
    if segment is None:
        return Organisation.objects.filter(membership_status=MembershipStatus.ACTIVE).order_by("legal_name")
    within = None if segment.membership_statuses else Organisation.objects.filter(
        membership_status=MembershipStatus.ACTIVE)
    return segments.organisations_in(segment, queryset=within).order_by("legal_name")


def target_description(survey: Survey) -> str:
    """Who a survey is sent to, in words and in the active language: "SMEs in Montérégie"."""
    if survey.target_segment is None:
        return _("Every active member")
    return segments.describe(survey.target_segment)


def submitted_responses(survey: Survey) -> QuerySet[Response]:
    return survey.responses.filter(status=ResponseStatus.SUBMITTED)


def pending_invitations(survey: Survey) -> QuerySet[Invitation]:
    """Invited organisations that have not submitted."""
    submitted = Response.objects.filter(survey=survey, organisation=OuterRef("organisation"),
                                        status=ResponseStatus.SUBMITTED)
    return survey.invitations.filter(~Exists(submitted))


def surveys_for_member(organisation: Organisation) -> QuerySet[Survey]:
    """The surveys an organisation is invited to (not drafts), with its response's status, newest first."""
    own = Response.objects.filter(survey=OuterRef("pk"), organisation=organisation)
    return (Survey.objects.filter(invitations__organisation=organisation).exclude(status=SurveyStatus.DRAFT)
            .select_related("target_segment")
            .annotate(response_status=Subquery(own.values("status")[:1]),
                      response_updated=Subquery(own.values("updated_at")[:1]))
            .order_by("-created_at", "-id"))


def staff_surveys() -> QuerySet[Survey]:
    return Survey.objects.select_related("target_segment").annotate(
        invited=Count("invitations", distinct=True),
        submitted=Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED), distinct=True),
    ).order_by("-created_at", "-id")


def own_response(survey: Survey, organisation: Organisation) -> Response | None:
    return Response.objects.filter(survey=survey, organisation=organisation).first()


def answer_values(response: Response | None) -> dict[int, object]:
    if response is None:
        return {}
    return dict(response.answers.values_list("question_id", "value"))


@dataclass(frozen=True)
class ResponseRate:
    invited: int
    submitted: int
    drafts: int

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.invited) if self.invited else 0


def response_rate(survey: Survey) -> ResponseRate:
    statuses = dict(survey.responses.values_list("status").annotate(n=Count("pk")))
    return ResponseRate(invited=survey.invitations.count(), submitted=statuses.get(ResponseStatus.SUBMITTED, 0),
                        drafts=statuses.get(ResponseStatus.DRAFT, 0))


def response_rate_by_day(survey: Survey) -> list[tuple[datetime.date, int]]:
    """Submissions per day, to show the rate's progress."""
    rows = (submitted_responses(survey).values_list("submitted_at__date").annotate(n=Count("pk"))
            .order_by("submitted_at__date"))
    return list(rows)


def survey_responses(survey: Survey) -> QuerySet[Response]:
    """Every response with its answers (staff): who answered what, snapshots of the wording included."""
    return (survey.responses.select_related("organisation", "submitted_by")
            .prefetch_related("answers__question").order_by("organisation__legal_name"))


def text_answers(survey: Survey) -> QuerySet[Answer]:
    """The free-text answers of submitted responses (staff): what themes are found in."""
    return (Answer.objects.filter(response__survey=survey, response__status=ResponseStatus.SUBMITTED,
                                  question_snapshot__kind=QuestionKind.TEXT)
            .exclude(value=None).select_related("response__organisation", "question"))


def answer_rows(survey: Survey) -> Iterator[tuple[int, dict, float]]:
    """Rows of a survey's submitted answers to closed questions, (organisation_id, keys, value):

    - one choice, Likert: keys {question, choice}, value 1 (count them; a Likert point's mean comes from
      these counts, `aggregates.distribution`);
    - several choices: one row per chosen value;
    - number: keys {question}, the number.
    Free text is never a row: it reaches nobody but the staff (and quotes, with consent, elsewhere).
    """
    answers = (Answer.objects.filter(response__survey=survey, response__status=ResponseStatus.SUBMITTED,
                                     question__retired=False)
               .exclude(value=None).values_list("response__organisation_id", "question_id", "question__kind", "value"))
    for organisation_id, question_id, kind, value in answers.iterator(chunk_size=2000):
        if kind in (QuestionKind.SINGLE, QuestionKind.LIKERT):
            yield organisation_id, {"question": question_id, "choice": value}, 1
        elif kind == QuestionKind.MULTIPLE:
            for choice in value:
                yield organisation_id, {"question": question_id, "choice": choice}, 1
        elif kind == QuestionKind.NUMBER:
            yield organisation_id, {"question": question_id}, value


def surveys_to_answer(organisation: Organisation | None) -> QuerySet[Survey]:
    """The open surveys the organisation is invited to and has not submitted yet: what its people's home page
    asks them to answer (`surveys_to_answer_by` for many organisations at once: keep the two alike)."""
    if organisation is None:
        return Survey.objects.none()
    return (surveys_for_member(organisation).filter(status=SurveyStatus.OPEN)
            .filter(Q(response_status__isnull=True) | ~Q(response_status=ResponseStatus.SUBMITTED)))


def surveys_to_answer_by(organisation_ids: list[int]) -> list[tuple[int, Survey]]:
    """`surveys_to_answer` for many organisations in one query (the feeds of a digest run): (organisation id,
    survey) for each open survey an organisation is invited to and has not submitted, newest first."""
    submitted = Response.objects.filter(survey=OuterRef("survey"), organisation=OuterRef("organisation"),
                                        status=ResponseStatus.SUBMITTED)
    invitations = (Invitation.objects.filter(organisation__in=organisation_ids, survey__status=SurveyStatus.OPEN)
                   .exclude(Exists(submitted)).select_related("survey").order_by("-survey__created_at", "-survey"))
    return [(invitation.organisation_id, invitation.survey) for invitation in invitations]


def open_surveys() -> QuerySet[Survey]:
    """The surveys collecting answers now (staff), with their invited and submitted counts."""
    return staff_surveys().filter(status=SurveyStatus.OPEN)
