"""Writes of listening's surveys as the staff build and run them: the survey, its questions and their order,
opening and closing it. Invitations and reminders are in services.invitations, answers in services.responses.

Each function checks the actor's right (rules.py), works in one transaction and leaves an audit entry. Bad
input raises ValidationError with a message for the person.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from grappe.core import audit, feed_versions
from grappe.core.permissions import require

from ..models import Question, QuestionKind, Survey, SurveyStatus
from ..selectors import insights_cache

SURVEY_FIELDS = ("title_fr", "title_en", "intro_fr", "intro_en", "opens_at", "closes_at", "target_segment")
QUESTION_FIELDS = ("kind", "wording_fr", "wording_en", "choices", "required", "show_if_question", "show_if_value")
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


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
        feed_versions.bump_cluster()  # its title or dates, in the feeds of those it waits for
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
    feed_versions.bump_cluster()
