"""A member answers the surveys its organisation is invited to: one shared response, drafts kept.

Any person of the organisation may edit the draft and submit it; what a colleague saved meanwhile is never
overwritten silently (services.responses.save_response). A survey one's organisation was not invited to answers 404;
a closed one is shown read-only with a message saying it is closed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from grappe.core.errors import Conflict, reason
from grappe.core.permissions import require, require_visible

from ..forms.surveys import AnswerForm, initial_answers
from ..models import Survey
from ..selectors.surveys import answer_values, own_response, surveys_for_member
from ..services import responses


@login_required
def survey_list(request):
    user = request.user
    if user.has_perm("listening.manage_surveys"):
        return redirect("listening:staff-survey-list")
    require(user, "listening.answer_surveys")
    return render(request, "listening/survey_list.html", {
        "organisation": user.organisation, "surveys": surveys_for_member(user.organisation)})


def _survey(request, pk: int) -> Survey:
    survey = get_object_or_404(Survey, pk=pk)
    require_visible(request.user, "listening.view_survey", survey)
    if request.user.organisation is None:
        raise Http404  # the staff read responses on their own pages; they have no response to write
    return survey


def _questions(survey: Survey):
    return list(survey.questions.filter(retired=False).select_related("show_if_question"))


@login_required
def survey_answer(request, pk):
    if request.user.organisation is None and request.user.has_perm("listening.manage_surveys"):
        get_object_or_404(Survey, pk=pk)
        return redirect("listening:staff-survey-detail", pk=pk)
    survey = _survey(request, pk)
    questions = _questions(survey)
    response = own_response(survey, request.user.organisation)
    if request.method == "POST":
        require(request.user, "listening.answer_survey", survey)
        form = AnswerForm(request.POST, questions=questions)
        if form.is_valid():
            return _save(request, survey, form)
    else:
        form = AnswerForm(initial={**initial_answers(questions, answer_values(response)),
                                   "revision": response.revision if response else 0}, questions=questions)
    return _render(request, survey, form, response)


def _render(request, survey: Survey, form: AnswerForm, response, status: int = 200, closed_message: str = ""):
    return render(request, "listening/survey_answer.html", {
        "survey": survey, "form": form, "response": response, "accepts_answers": survey.accepts_answers(),
        "closed_message": closed_message}, status=status)


def _save(request, survey: Survey, form: AnswerForm):
    submit = "submit" in request.POST
    try:
        result = responses.save_response(actor=request.user, survey=survey, values=form.values, submit=submit,
                                         loaded_revision=form.cleaned_data.get("revision"))
    except Conflict as error:  # the survey closed meanwhile
        return _render(request, survey, form, None, closed_message=reason(error))
    if result.conflicts or (submit and result.missing):
        return _render(request, survey, _form_after_save(form, result), result.response)
    if result.submitted:
        messages.success(request, _("Your organisation's answer is submitted. You may change it until the survey "
                                    "closes."))
        return redirect("listening:survey-list")
    if result.missing and result.response.submitted_at:
        messages.warning(request, _("Your changes are saved, but required answers are now missing: the answer is "
                                    "back to draft until it is submitted again."))
    else:
        messages.success(request, _("Draft saved. Any colleague of your organisation may continue it."))
    return redirect("listening:survey-answer", pk=survey.pk)


def _form_after_save(form: AnswerForm, result) -> AnswerForm:
    """The form again, with what the person typed, the new revision, the colleague's answers where they
    conflicted (what the person typed is quoted in the message) and the missing answers marked."""
    data = form.data.copy()
    data["revision"] = result.response.revision
    stored = answer_values(result.response)
    again = AnswerForm(data, questions=form.questions)
    for question in result.conflicts:
        again.data.setlist(AnswerForm.name(question), _as_list(stored.get(question.pk)))
    again.is_valid()
    for question in result.conflicts:
        again.add_error(AnswerForm.name(question), _(
            "A colleague changed this answer while you were editing; theirs is kept and shown here. You had "
            "entered: “%(typed)s”.") % {"typed": ", ".join(form.data.getlist(AnswerForm.name(question)))})
    for question in result.missing:
        if question not in result.conflicts:
            again.add_error(AnswerForm.name(question), _("This question requires an answer."))
    if result.missing:
        again.add_error(None, ngettext(
            "Your answers are saved, but %(count)s required question is unanswered: %(questions)s.",
            "Your answers are saved, but %(count)s required questions are unanswered: %(questions)s.",
            len(result.missing)) % {"count": len(result.missing),
                                    "questions": "; ".join(f"{q.position}. {q.wording}" for q in result.missing)})
    return again


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@login_required
@require_POST
def survey_autosave(request, pk):
    """htmx: save a draft as the person types; answers with a status line and the new revision."""
    survey = _survey(request, pk)
    require(request.user, "listening.answer_survey", survey)
    form = AnswerForm(request.POST, questions=_questions(survey))
    context = {"revision": None, "message": "", "ok": False}
    if not form.is_valid():
        context["message"] = _("Not saved: check the answers marked in red, then save.")
        return render(request, "listening/_autosave.html", context)
    try:
        result = responses.save_response(actor=request.user, survey=survey, values=form.values,
                                         loaded_revision=form.cleaned_data.get("revision"))
    except ValidationError as error:
        context["message"] = reason(error)
        return render(request, "listening/_autosave.html", context)
    if result.conflicts:
        context["message"] = _("A colleague changed some answers meanwhile: save with the button to see them.")
    else:
        context.update(ok=True, revision=result.response.revision, message=_("Draft saved automatically."))
    return render(request, "listening/_autosave.html", context)
