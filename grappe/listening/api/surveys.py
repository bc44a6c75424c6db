"""The listening API for surveys: a member reads the surveys its organisation is invited to and saves or submits
its answers; the staff list every survey and read every response."""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from grappe.core.api_errors import invalid_at
from grappe.core.api_schemas import InputSchema, answers
from grappe.core.paging import ApiPagination
from grappe.core.permissions import require, require_visible

from ..models import Survey
from ..selectors import surveys as survey_selectors
from ..services import responses

router = Router()


class ChoiceOut(Schema):
    value: str
    label: str


class QuestionOut(Schema):
    id: int
    position: int
    kind: str = Field(description="likert (1–5), single, multiple, number or text.")
    wording: str
    wording_fr: str
    wording_en: str
    required: bool
    choices: list[ChoiceOut]
    show_if_question: int | None = Field(description="Asked only when that question's answer is show_if_value.")
    show_if_value: str

    @staticmethod
    def resolve_choices(question) -> list[dict]:
        return [{"value": value, "label": label} for value, label in question.choice_list()]

    @staticmethod
    def resolve_show_if_question(question) -> int | None:
        return question.show_if_question_id


class SurveyOut(Schema):
    id: int
    title: str
    status: str
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None
    accepts_answers: bool
    target_segment: int | None = Field(description="The members.Segment it is sent to; null: every active member.")
    target: str = Field(description="Who it is sent to, in words: \"SMEs in Montérégie\", \"Every active member\".")

    @staticmethod
    def resolve_accepts_answers(survey) -> bool:
        return survey.accepts_answers()

    @staticmethod
    def resolve_target_segment(survey) -> int | None:
        return survey.target_segment_id

    @staticmethod
    def resolve_target(survey) -> str:
        return survey_selectors.target_description(survey)


class SurveyDetailOut(SurveyOut):
    intro: str
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(survey) -> list:
        return list(survey.questions.filter(retired=False))


class ResponseIn(InputSchema):
    answers: dict[int, str | float | list[str] | None] = Field(
        ..., description="Question id → value: a choice's value (\"1\"…\"5\" on a scale), a list of values for "
                         "several choices, a number, a text; null clears it. Questions left out are unchanged.")
    submit: bool = Field(False, description="Submit (all required answers needed) rather than save a draft.")
    revision: int | None = Field(None, description="The response revision you read: an answer a colleague changed "
                                                   "since is kept and listed in conflicts.")


class ResponseOut(Schema):
    status: str
    revision: int
    answers: dict[int, str | float | list[str] | None]
    missing: list[int] = Field([], description="Required questions still unanswered (submission refused).")
    conflicts: list[int] = Field([], description="Questions a colleague changed since `revision`: not overwritten.")


class StaffResponseOut(Schema):
    organisation: str
    status: str
    submitted_at: datetime.datetime | None
    answers: dict[int, str | float | list[str] | None]


def _visible_survey(request, survey_id: int) -> Survey:
    survey = get_object_or_404(Survey, pk=survey_id)
    require_visible(request.user, "listening.view_survey", survey)
    return survey


@router.get("/listening/surveys", response=answers(list[SurveyOut], 403), url_name="listening-survey-list",
            summary="Surveys: those the caller's organisation is invited to, or every survey for the staff")
def list_surveys(request):
    user = request.user
    if user.has_perm("listening.manage_surveys"):
        return survey_selectors.staff_surveys()
    require(user, "listening.answer_surveys")
    return survey_selectors.surveys_for_member(user.organisation)


@router.get("/listening/surveys/{survey_id}", response=answers(SurveyDetailOut, 404, 422),
            url_name="listening-survey-detail", summary="A survey and its questions")
def survey_detail(request, survey_id: int):
    return _visible_survey(request, survey_id)


@router.get("/listening/surveys/{survey_id}/response", response=answers(ResponseOut, 403, 404, 422),
            url_name="listening-response",
            summary="The caller's organisation's response (an empty draft when nobody answered yet)")
def own_response(request, survey_id: int):
    survey = _visible_survey(request, survey_id)
    require(request.user, "listening.answer_survey", survey)
    response = survey_selectors.own_response(survey, request.user.organisation)
    return {"status": response.status if response else "draft", "revision": response.revision if response else 0,
            "answers": survey_selectors.answer_values(response)}


@router.put("/listening/surveys/{survey_id}/response", response=answers(ResponseOut, 403, 404, 409, 422),
            url_name="listening-response-save", summary="Save or submit the caller's organisation's answers")
def save_response(request, survey_id: int, payload: ResponseIn):
    """Valid answers are saved even when a submission lacks required ones (listed in `missing`, status stays
    draft). A closed survey answers 409 with the reason; an invalid value 422 naming its question (q<id>)."""
    survey = _visible_survey(request, survey_id)
    with invalid_at("body", "payload", "answers"):  # a closed survey is a Conflict: 409
        result = responses.save_response(actor=request.user, survey=survey, values=payload.answers,
                                         submit=payload.submit, loaded_revision=payload.revision)
    return {"status": result.response.status, "revision": result.response.revision,
            "answers": survey_selectors.answer_values(result.response), "missing": [q.pk for q in result.missing],
            "conflicts": [q.pk for q in result.conflicts]}


@router.get("/listening/surveys/{survey_id}/responses",
             response=answers(list[StaffResponseOut], 403, 404, 422),
            url_name="listening-survey-responses", summary="Every organisation's response (staff)")
@paginate(ApiPagination)
def survey_responses(request, survey_id: int):
    survey = get_object_or_404(Survey, pk=survey_id)
    require(request.user, "listening.view_cluster_listening")
    return [{"organisation": response.organisation.slug, "status": response.status,
             "submitted_at": response.submitted_at,
             "answers": {answer.question_id: answer.value for answer in response.answers.all()}}
            for response in survey_selectors.survey_responses(survey)]
