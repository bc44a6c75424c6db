"""Writes of listening: submit a need and answer it, build and run a survey, answer a survey.

Each function checks the actor's right (rules.py), works in one transaction, leaves an audit entry and tells
people (mail, notifications) only once the transaction commits. Bad input raises ValidationError with a
message for the person, and nothing is lost: a response with a missing required answer keeps the rest.
"""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from grappe.core import audit, jobs, notify, outbox
from grappe.core.errors import Conflict
from grappe.core.idempotency import submit_once
from grappe.core.links import absolute_url
from grappe.core.permissions import require, require_visible
from grappe.members.models import Organisation, User
from grappe.members.selectors import staff_users

from . import answers as answer_rules
from . import insights_cache, selectors
from .models import (
    Answer,
    Invitation,
    Need,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
)

SURVEY_FIELDS = ("title_fr", "title_en", "intro_fr", "intro_en", "opens_at", "closes_at", "target_segment")
QUESTION_FIELDS = ("kind", "wording_fr", "wording_en", "choices", "required", "show_if_question", "show_if_value")
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


# Needs ------------------------------------------------------------------------------------------------------

def submit_need(*, actor, organisation: Organisation, category: str, text: str, language: str, urgency: str,
                visibility: str, token: uuid.UUID | None = None) -> Need:
    """Record a need of the actor's organisation. The same token twice (a double click, a re-sent API call)
    makes one need: the second call returns the first one's."""
    require(actor, "listening.submit_need", organisation)
    if not (text or "").strip():
        raise ValidationError(_("Describe the need in a few words."), code="empty")
    token = token or uuid.uuid4()

    def work() -> str:
        need = Need(organisation=organisation, submitted_by=actor, category=category, text=text, language=language,
                    urgency=urgency, visibility=visibility, submission_token=token)
        need.full_clean(exclude=["organisation", "submitted_by"])
        need.save()
        audit.record(actor, "need.submitted", need, after=audit.snapshot(need, exclude=("text",)))
        notify.on_commit(_tell_staff_of_need, need.pk)
        _texts_changed()
        return reverse("listening:need-list")

    submit_once(token, work)
    return Need.objects.get(submission_token=token)


def _texts_changed() -> None:
    """A need or a response arrived: the figures are computed again, the new texts join their themes."""
    insights_cache.bump()
    jobs.enqueue("grappe.listening.tasks.assign_new_texts_task")


def _tell_staff_of_need(need_id: int) -> None:
    """Urgent needs reach the staff's notifications at once; the others wait in the needs list."""
    need = Need.objects.select_related("organisation").get(pk=need_id)
    if need.urgency != "high":
        return
    recipients = list(staff_users())
    for language, _name in settings.LANGUAGES:
        users = [user for user in recipients if user.language == language]
        if users:
            with translation.override(language):
                notify.send(users, _("Urgent need from %(organisation)s: %(category)s.") % {
                    "organisation": need.organisation, "category": need.get_category_display()},
                    need.get_absolute_url())


def respond_to_need(*, actor, need: Need, response: str, status: str) -> Need:
    """The staff say what the cluster did with a need; the organisation's people read it on their needs page."""
    require(actor, "listening.respond_to_need", need)
    with transaction.atomic():
        need = Need.objects.select_for_update().get(pk=need.pk)
        before = audit.snapshot(need, exclude=("text",))
        need.status = status
        response = (response or "").strip()
        if response != need.response:
            need.response = response
            need.responded_by = actor if response else None
            need.responded_at = timezone.now() if response else None
        need.full_clean(exclude=["organisation", "submitted_by", "responded_by"])
        need.save()
        audit.record(actor, "need.responded", need, before=before, after=audit.snapshot(need, exclude=("text",)))
        if response and response != before["response"]:
            notify.on_commit(_tell_organisation_of_response, need.pk)
    return need


def _tell_organisation_of_response(need_id: int) -> None:
    need = Need.objects.select_related("organisation").get(pk=need_id)
    users = User.objects.filter(person__organisation=need.organisation, person__is_active=True, is_active=True)
    for language, _name in settings.LANGUAGES:
        recipients = [user for user in users if user.language == language]
        if recipients:
            with translation.override(language):
                notify.send(recipients, _("The cluster answered one of your needs (%(category)s).") % {
                    "category": need.get_category_display()}, reverse("listening:need-list"))


# Building a survey ------------------------------------------------------------------------------------------

def create_survey(*, actor, data: Mapping) -> Survey:
    require(actor, "listening.manage_surveys")
    with transaction.atomic():
        survey = Survey(created_by=actor, **{name: data[name] for name in SURVEY_FIELDS if name in data})
        survey.full_clean(exclude=["created_by"])
        survey.save()
        audit.record(actor, "survey.created", survey, after=audit.snapshot(survey))
    return survey


def update_survey(*, actor, survey: Survey, data: Mapping) -> Survey:
    require(actor, "listening.manage_surveys", survey)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        before = audit.snapshot(survey)
        for name in SURVEY_FIELDS:
            if name in data:
                setattr(survey, name, data[name])
        survey.full_clean(exclude=["created_by"])
        survey.save()
        audit.record(actor, "survey.changed", survey, before=before, after=audit.snapshot(survey))
    return survey


def choices_from_lines(french: str, english: str) -> list[dict]:
    """Choices typed one per line in each language, paired line by line. The stored value comes from the French
    label, so answers stay attached to a choice when the staff reorder the lines."""
    fr_lines = [line.strip() for line in (french or "").splitlines() if line.strip()]
    en_lines = [line.strip() for line in (english or "").splitlines() if line.strip()]
    if len(fr_lines) != len(en_lines):
        raise ValidationError(_("Give each choice in both languages: %(fr)s French lines, %(en)s English lines.")
                              % {"fr": len(fr_lines), "en": len(en_lines)}, code="choices_mismatch")
    choices, seen = [], set()
    for index, (fr, en) in enumerate(zip(fr_lines, en_lines, strict=True), start=1):
        value = slugify(fr)[:60] or f"choice-{index}"
        while value in seen:
            value = f"{value}-{index}"
        seen.add(value)
        choices.append({"value": value, "fr": fr, "en": en})
    return choices


def _check_question(question: Question) -> None:
    """Choices where the kind needs them; a condition on an earlier question of the same survey."""
    if question.kind in CHOICE_KINDS and len(question.choices) < 2:
        raise ValidationError({"choices": _("Give at least two choices.")}, code="too_few_choices")
    if question.kind not in CHOICE_KINDS:
        question.choices = []
    condition = question.show_if_question
    if condition is None:
        question.show_if_value = ""
        return
    if condition.survey_id != question.survey_id or (question.pk and (condition.position, condition.pk) >= (
            question.position, question.pk)):
        raise ValidationError({"show_if_question": _("A question can only depend on an earlier question.")},
                              code="bad_condition")
    values = [value for value, _label in condition.choice_list()]
    if condition.kind in (QuestionKind.LIKERT, *CHOICE_KINDS) and question.show_if_value not in values:
        raise ValidationError({"show_if_value": _("Choose one of that question's answers.")}, code="bad_condition")


def add_question(*, actor, survey: Survey, data: Mapping) -> Question:
    require(actor, "listening.manage_surveys", survey)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        last = survey.questions.order_by("-position").values_list("position", flat=True).first()
        question = Question(survey=survey, position=(last or 0) + 1,
                            **{name: data[name] for name in QUESTION_FIELDS if name in data})
        _check_question(question)
        question.full_clean(exclude=["survey", "show_if_question"])
        question.save()
        audit.record(actor, "survey.question_added", survey, after=audit.snapshot(question))
    return question


def update_question(*, actor, question: Question, data: Mapping) -> Question:
    """Change a question. Answers already given keep the wording they answered; an answered question keeps
    its kind (its answers would no longer mean anything)."""
    require(actor, "listening.manage_surveys", question.survey)
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        before = audit.snapshot(question)
        if "kind" in data and data["kind"] != question.kind and question.answers.exists():
            raise ValidationError({"kind": _("This question already has answers: its kind can no longer change. "
                                             "Retire it and add a new one.")}, code="answered")
        for name in QUESTION_FIELDS:
            if name in data:
                setattr(question, name, data[name])
        _check_question(question)
        question.full_clean(exclude=["survey", "show_if_question"])
        question.save()
        audit.record(actor, "survey.question_changed", question.survey, before=before,
                     after=audit.snapshot(question))
    return question


def remove_question(*, actor, question: Question) -> bool:
    """Delete a question nobody answered; retire one that has answers (they stay readable). True if deleted."""
    require(actor, "listening.manage_surveys", question.survey)
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.dependents.filter(retired=False).exists():
            raise ValidationError(_("Other questions depend on this one: change their condition first."),
                                  code="has_dependents")
        before = audit.snapshot(question)
        deleted = not question.answers.exists() and not question.dependents.exists()
        if deleted:
            question.delete()
        else:
            question.retired = True
            question.save(update_fields=["retired"])
        audit.record(actor, "survey.question_removed" if deleted else "survey.question_retired",
                     Survey.objects.get(pk=before["survey"]), before=before)
    return deleted


def move_question(*, actor, question: Question, offset: int) -> None:
    """Move a question one place up (-1) or down (+1), without passing a question it depends on."""
    require(actor, "listening.manage_surveys", question.survey)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=question.survey_id)
        ordered = list(survey.questions.filter(retired=False))
        index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
        other = index + offset
        if not 0 <= other < len(ordered):
            return
        first, second = sorted((ordered[index], ordered[other]), key=lambda q: (q.position, q.pk))
        if second.show_if_question_id == first.pk:
            raise ValidationError(_("A question must stay after the question it depends on."), code="bad_order")
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered, start=1):
            if item.position != position:
                Question.objects.filter(pk=item.pk).update(position=position)
        audit.record(actor, "survey.questions_reordered", survey, after={"order": [q.pk for q in ordered]})


def open_survey(*, actor, survey: Survey) -> Survey:
    require(actor, "listening.manage_surveys", survey)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if not survey.questions.filter(retired=False).exists():
            raise ValidationError(_("Add at least one question before opening the survey."), code="no_question")
        if survey.closes_at is not None and survey.closes_at <= timezone.now():
            raise ValidationError(_("Its closing date has passed: move it later first."), code="past")
        _set_survey_status(actor, survey, SurveyStatus.OPEN, "survey.opened")
    return survey


def close_survey(*, actor, survey: Survey) -> Survey:
    require(actor, "listening.manage_surveys", survey)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        _set_survey_status(actor, survey, SurveyStatus.CLOSED, "survey.closed")
    return survey


def _set_survey_status(actor, survey: Survey, status: str, action: str) -> None:
    """Within the caller's transaction, on the locked survey: a change of status is audited and renews the
    figures (response rates count open surveys); asking for the status it already has does nothing."""
    if survey.status == status:
        return
    before = audit.snapshot(survey)
    survey.status = status
    survey.save(update_fields=["status", "updated_at"])
    audit.record(actor, action, survey, before=before, after=audit.snapshot(survey))
    insights_cache.bump()


# Invitations and reminders ----------------------------------------------------------------------------------

def send_invitations(*, actor, survey: Survey, organisations: Iterable[Organisation] | None = None) -> int:
    """Invite the target's organisations not invited yet (or the ones given) and mail their people, each in
    their own language. Returns how many organisations were newly invited; sending twice invites nobody twice."""
    require(actor, "listening.manage_surveys", survey)
    if survey.status != SurveyStatus.OPEN:
        raise ValidationError(_("Open the survey before sending invitations."), code="not_open")
    targets = list(organisations if organisations is not None else selectors.target_organisations(survey))
    now = timezone.now()
    with transaction.atomic():
        already = set(survey.invitations.values_list("organisation_id", flat=True))
        new = [Invitation(survey=survey, organisation=o, sent_at=now) for o in targets if o.pk not in already]
        Invitation.objects.bulk_create(new, ignore_conflicts=True)
        invited = [invitation.organisation_id for invitation in new]
        audit.record(actor, "survey.invitations_sent", survey, after={"organisations": invited})
        insights_cache.bump()
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
        pending = list(selectors.pending_invitations(survey).select_for_update(of=("self",)))
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
        if selectors.pending_invitations(survey).filter(
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


# Answering a survey ------------------------------------------------------------------------------------------

@dataclass
class SaveResult:
    """What a save did: the response, the questions still missing for a submission, and the questions a
    colleague changed since the form was loaded (their answer was kept, not overwritten)."""

    response: Response
    missing: list[Question] = field(default_factory=list)
    conflicts: list[Question] = field(default_factory=list)
    changed: int = 0

    @property
    def submitted(self) -> bool:
        return self.response.status == ResponseStatus.SUBMITTED


def save_response(*, actor, survey: Survey, values: Mapping[int, object], submit: bool = False,
                  loaded_revision: int | None = None) -> SaveResult:
    """Save the actor's organisation's answers (a draft, or a submission when `submit`).

    Every valid answer is kept even when the submission is refused for missing required answers (the result
    names them). Colleagues share one response: it is locked while saving, and an answer a colleague changed
    after `loaded_revision` is not overwritten (it is reported in `conflicts`). A closed survey refuses with a
    Conflict saying so. Values of questions the branching hides are cleared.
    """
    require_visible(actor, "listening.view_survey", survey)
    require(actor, "listening.answer_survey", survey)
    organisation = actor.organisation
    questions = list(survey.questions.filter(retired=False))
    cleaned, errors = _clean_values(questions, values)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        survey = Survey.objects.get(pk=survey.pk)
        if not survey.accepts_answers():
            raise Conflict(_closed_message(survey), code="closed")
        response = _locked_response(survey, organisation)
        stored = {answer.question_id: answer for answer in response.answers.all()}
        merged = {qid: answer.value for qid, answer in stored.items()}
        result = SaveResult(response=response)
        for question in questions:
            if question.pk not in cleaned:
                continue
            answer = stored.get(question.pk)
            if (answer is not None and loaded_revision is not None and answer.revision > loaded_revision
                    and answer.value != cleaned[question.pk]):
                result.conflicts.append(question)
                continue
            merged[question.pk] = cleaned[question.pk]
        shown = {q.pk for q in answer_rules.shown_questions(questions, merged)}
        for question in questions:
            if question.pk not in shown:
                merged[question.pk] = None
        result.changed = _write_answers(actor, response, questions, stored, merged)
        result.missing = answer_rules.missing_required(questions, merged)
        _set_status(actor, response, submit=submit, complete=not result.missing, changed=result.changed)
    return result


def _clean_values(questions, values: Mapping[int, object]) -> tuple[dict, dict]:
    cleaned, errors = {}, {}
    for question in questions:
        if question.pk in values:
            try:
                cleaned[question.pk] = answer_rules.clean_value(question, values[question.pk])
            except ValidationError as error:
                errors[f"q{question.pk}"] = error.messages
    return cleaned, errors


def _closed_message(survey: Survey) -> str:
    if survey.status == SurveyStatus.OPEN and survey.opens_at and survey.opens_at > timezone.now():
        return _("This survey opens on %(date)s: answers are not accepted yet.") % {
            "date": timezone.localtime(survey.opens_at).strftime("%Y-%m-%d %H:%M")}
    if survey.closes_at is not None and survey.closes_at <= timezone.now():
        return _("This survey closed on %(date)s: answers are no longer accepted. Your organisation's answers "
                 "as they were then are kept.") % {
            "date": timezone.localtime(survey.closes_at).strftime("%Y-%m-%d %H:%M")}
    return _("This survey is closed: answers are no longer accepted. Your organisation's answers as they were "
             "then are kept.")


def _locked_response(survey: Survey, organisation: Organisation) -> Response:
    """The organisation's one response, created if needed, locked until the transaction ends. Two colleagues
    starting at once make one: the unique constraint stops the second insert, which then reads the first."""
    response = Response.objects.select_for_update().filter(survey=survey, organisation=organisation).first()
    if response is not None:
        return response
    try:
        with transaction.atomic():
            Response.objects.create(survey=survey, organisation=organisation)
    except IntegrityError:
        pass
    return Response.objects.select_for_update().get(survey=survey, organisation=organisation)


def _write_answers(actor, response: Response, questions, stored: dict, merged: dict) -> int:
    revision = response.revision + 1
    changed = 0
    for question in questions:
        value = merged.get(question.pk)
        answer = stored.get(question.pk)
        if answer is None:
            if value is None:
                continue
            Answer.objects.create(response=response, question=question, value=value,
                                  question_snapshot=question.snapshot(), revision=revision, answered_by=actor)
        elif answer.value != value or answer.question_snapshot != question.snapshot():
            answer.value, answer.question_snapshot = value, question.snapshot()
            answer.revision, answer.answered_by = revision, actor
            answer.save(update_fields=["value", "question_snapshot", "revision", "answered_by", "updated_at"])
        else:
            continue
        changed += 1
    if changed:
        response.revision = revision
    return changed


def _set_status(actor, response: Response, *, submit: bool, complete: bool, changed: int) -> None:
    """Submitted when asked and complete; a submitted response edited into an incomplete one goes back to
    draft (it would otherwise count an answer that lacks what the survey requires)."""
    before = response.status
    if submit and complete:
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at, response.submitted_by = timezone.now(), actor
    elif not complete:
        response.status = ResponseStatus.DRAFT
    if not changed and before == response.status and not (submit and complete):
        return
    response.last_edited_by = actor
    response.save()
    action = "survey.response_submitted" if response.status == ResponseStatus.SUBMITTED and submit else \
        "survey.response_saved"
    audit.record(actor, action, response, before={"status": before},
                 after={"status": response.status, "revision": response.revision, "answers_changed": changed})
    if ResponseStatus.SUBMITTED in (before, response.status):
        _texts_changed()
