"""The staff build a survey, open it, invite and remind its target, watch the response rate, read answers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from grappe.core.pages import refused
from grappe.core.permissions import require

from ..forms.surveys import QuestionForm, SurveyForm
from ..models import Question, Survey
from ..selectors import surveys as survey_selectors
from ..services import invitations, surveys
from .common import staff_page


def _survey(request, pk: int) -> Survey:
    survey = get_object_or_404(Survey, pk=pk)
    require(request.user, "listening.manage_surveys", survey)
    return survey


def _question(survey: Survey, question_pk: int) -> Question:
    return get_object_or_404(Question, pk=question_pk, survey=survey)


@staff_page
def survey_list(request):
    return render(request, "listening/staff_survey_list.html", {"surveys": survey_selectors.staff_surveys()})


@staff_page
def survey_create(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = surveys.create_survey(actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Survey created: add its questions."))
        return redirect("listening:staff-survey-detail", pk=survey.pk)
    return render(request, "listening/staff_survey_form.html", {"form": form})


@staff_page
def survey_edit(request, pk):
    survey = _survey(request, pk)
    form = SurveyForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        surveys.update_survey(actor=request.user, survey=survey, data=form.cleaned_data)
        messages.success(request, _("Survey saved."))
        return redirect("listening:staff-survey-detail", pk=survey.pk)
    return render(request, "listening/staff_survey_form.html", {"form": form, "survey": survey})


@staff_page
def survey_detail(request, pk):
    survey = _survey(request, pk)
    return render(request, "listening/staff_survey_detail.html", {
        "survey": survey, "questions": survey.questions.select_related("show_if_question"),
        "rate": survey_selectors.response_rate(survey),
        "targets": survey_selectors.target_organisations(survey).count(),
        "target_description": survey_selectors.target_description(survey)})


@staff_page
def question_create(request, pk):
    survey = _survey(request, pk)
    return _question_form(request, survey, None)


@staff_page
def question_edit(request, pk, question_pk):
    survey = _survey(request, pk)
    return _question_form(request, survey, _question(survey, question_pk))


def _question_form(request, survey: Survey, question: Question | None):
    form = QuestionForm(request.POST or None, survey=survey, question=question)
    if request.method == "POST" and form.is_valid():
        try:
            if question is None:
                surveys.add_question(actor=request.user, survey=survey, data=form.question_data())
            else:
                surveys.update_question(actor=request.user, question=question, data=form.question_data())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Question saved."))
            return redirect("listening:staff-survey-detail", pk=survey.pk)
    return render(request, "listening/staff_question_form.html", {
        "form": form, "survey": survey, "question": question,
        "answered": question is not None and question.answers.exists()})


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@staff_page
@require_POST
def question_move(request, pk, question_pk):
    survey = _survey(request, pk)
    try:
        surveys.move_question(actor=request.user, question=_question(survey, question_pk),
                              offset=-1 if request.POST.get("direction") == "up" else 1)
    except ValidationError as error:
        refused(request, error)
    return redirect("listening:staff-survey-detail", pk=survey.pk)


@staff_page
@require_POST
def question_remove(request, pk, question_pk):
    survey = _survey(request, pk)
    try:
        deleted = surveys.remove_question(actor=request.user, question=_question(survey, question_pk))
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(request, _("Question deleted.") if deleted else
                         _("Question retired: it has answers, which stay readable."))
    return redirect("listening:staff-survey-detail", pk=survey.pk)


@staff_page
@require_POST
def survey_status(request, pk):
    survey = _survey(request, pk)
    try:
        if request.POST.get("action") == "open":
            surveys.open_survey(actor=request.user, survey=survey)
            messages.success(request, _("The survey is open. Send the invitations when ready."))
        else:
            surveys.close_survey(actor=request.user, survey=survey)
            messages.success(request, _("The survey is closed: no more answers are accepted."))
    except ValidationError as error:
        refused(request, error)
    return redirect("listening:staff-survey-detail", pk=survey.pk)


@staff_page
@require_POST
def survey_invite(request, pk):
    survey = _survey(request, pk)
    try:
        if request.POST.get("action") == "remind":
            count = invitations.send_reminders(actor=request.user, survey=survey)
            messages.success(request, ngettext("%(count)s organisation reminded.",
                                               "%(count)s organisations reminded.", count) % {"count": count})
        else:
            count = invitations.send_invitations(actor=request.user, survey=survey)
            messages.success(request, ngettext("%(count)s organisation invited.",
                                               "%(count)s organisations invited.", count) % {"count": count})
    except ValidationError as error:
        refused(request, error)
    return redirect("listening:staff-survey-detail", pk=survey.pk)


@staff_page
def survey_rate(request, pk):
    survey = _survey(request, pk)
    return render(request, "listening/staff_survey_rate.html", {
        **_rate_context(survey), "target_description": survey_selectors.target_description(survey)})


@staff_page
def survey_rate_live(request, pk):
    """htmx polls this fragment every few seconds."""
    survey = _survey(request, pk)
    return render(request, "listening/_rate.html", _rate_context(survey))


def _rate_context(survey: Survey) -> dict:
    return {"survey": survey, "rate": survey_selectors.response_rate(survey),
            "by_day": survey_selectors.response_rate_by_day(survey),
            "pending": survey_selectors.pending_invitations(survey).select_related("organisation")[:200]}


@staff_page
def survey_answers(request, pk):
    survey = _survey(request, pk)
    return render(request, "listening/staff_survey_answers.html", {
        "survey": survey, "responses": survey_selectors.survey_responses(survey)})
