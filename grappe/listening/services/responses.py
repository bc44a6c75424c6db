"""Writes of listening's responses: an organisation's people answer a survey, together.

`save_response` checks the actor's right (rules.py), works in one transaction and leaves an audit entry. Bad
input raises ValidationError with a message for the person, and nothing is lost: a response with a missing
required answer keeps the rest. A submission (or its withdrawal) sends the texts to their themes.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core import audit, feed_versions
from grappe.core.errors import Conflict
from grappe.core.permissions import require, require_visible
from grappe.members.models import Organisation

from .. import answers as answer_rules
from ..models import Answer, Question, Response, ResponseStatus, Survey, SurveyStatus
from . import themes


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
    if before != response.status:
        feed_versions.bump_organisation(response.organisation_id)  # a submitted survey leaves its feed
    action = "survey.response_submitted" if response.status == ResponseStatus.SUBMITTED and submit else \
        "survey.response_saved"
    audit.record(actor, action, response, before={"status": before},
                 after={"status": response.status, "revision": response.revision, "answers_changed": changed})
    if ResponseStatus.SUBMITTED in (before, response.status):
        themes.texts_changed()
