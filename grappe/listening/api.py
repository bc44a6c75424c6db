"""The listening API: members submit needs and answer surveys; the staff read them.

Rights are those of the pages (grappe/listening/rules.py): a member submits and reads its own organisation's
needs and answers the surveys it is invited to (a survey it is not invited to answers 404); the staff read
everything. Government observers get 403 everywhere here: they see aggregated dashboards, elsewhere.
"""

import datetime
import uuid

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from grappe.core.api_errors import invalid_at
from grappe.core.api_schemas import InputSchema, answers
from grappe.core.paging import ApiPagination
from grappe.core.permissions import require, require_visible

from . import dashboards, selectors, services
from .models import (
    MAX_NEED_LENGTH,
    Brief,
    NeedCategory,
    NeedVisibility,
    Survey,
    Urgency,
)

router = Router(tags=["listening"])


# Needs ------------------------------------------------------------------------------------------------------

class NeedIn(InputSchema):
    category: NeedCategory
    text: str = Field(..., min_length=1, max_length=MAX_NEED_LENGTH, description="As typed, in French or English.")
    language: str = Field("fr", pattern="^(fr|en)$")
    urgency: Urgency = Urgency.MEDIUM
    visibility: NeedVisibility = Field(NeedVisibility.ANONYMOUS, description=(
        "staff: the cluster staff only; anonymous: only in aggregate figures; named: may be quoted and shared."))
    client_token: uuid.UUID | None = Field(None, description=(
        "Send the same token again (a retry) and the need is created once: the first one is returned."))


class NeedOut(Schema):
    id: int
    organisation: str = Field(description="The organisation's slug.")
    category: str
    text: str
    language: str
    urgency: str
    visibility: str
    status: str
    response: str = Field(description="What the cluster did with it (empty until the staff respond).")
    responded_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_organisation(need) -> str:
        return need.organisation.slug


class NeedFilterIn(Schema):
    category: NeedCategory | None = None
    urgency: Urgency | None = None
    visibility: NeedVisibility | None = None
    theme: int | None = None


@router.post("/listening/needs", response=answers({201: NeedOut}, 403, 422), url_name="listening-need-submit",
             summary="Submit a need of the caller's organisation")
def submit_need(request, payload: NeedIn):
    """A member user tells the cluster a need. A blank text answers 422."""
    organisation = request.user.organisation
    if organisation is None:
        require(request.user, "listening.submit_need", None)
    with invalid_at("body", "payload", "text"):
        need = services.submit_need(actor=request.user, organisation=organisation, category=payload.category,
                                    text=payload.text, language=payload.language, urgency=payload.urgency,
                                    visibility=payload.visibility, token=payload.client_token)
    return Status(201, need)


@router.get("/listening/needs", response=answers(list[NeedOut], 403, 422), url_name="listening-need-list",
            summary="Needs: the caller's organisation's, or every need for the staff")
@paginate(ApiPagination)
def list_needs(request, filters: Query[NeedFilterIn]):
    """Newest first. The staff see every need, staff-only ones included, and may filter; a member sees its own
    organisation's needs."""
    user = request.user
    if user.has_perm("listening.view_cluster_listening"):
        return selectors.cluster_needs(selectors.NeedFilters(
            category=filters.category or "", urgency=filters.urgency or "", visibility=filters.visibility or "",
            theme=filters.theme))
    require(user, "listening.view_own_needs", user.organisation)
    return selectors.organisation_needs(user.organisation).select_related("organisation")


# Surveys ----------------------------------------------------------------------------------------------------

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
        return selectors.target_description(survey)


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
        return selectors.staff_surveys()
    require(user, "listening.answer_surveys")
    return selectors.surveys_for_member(user.organisation)


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
    response = selectors.own_response(survey, request.user.organisation)
    return {"status": response.status if response else "draft", "revision": response.revision if response else 0,
            "answers": selectors.answer_values(response)}


@router.put("/listening/surveys/{survey_id}/response", response=answers(ResponseOut, 403, 404, 409, 422),
            url_name="listening-response-save", summary="Save or submit the caller's organisation's answers")
def save_response(request, survey_id: int, payload: ResponseIn):
    """Valid answers are saved even when a submission lacks required ones (listed in `missing`, status stays
    draft). A closed survey answers 409 with the reason; an invalid value 422 naming its question (q<id>)."""
    survey = _visible_survey(request, survey_id)
    with invalid_at("body", "payload", "answers"):  # a closed survey is a Conflict: 409
        result = services.save_response(actor=request.user, survey=survey, values=payload.answers,
                                        submit=payload.submit, loaded_revision=payload.revision)
    return {"status": result.response.status, "revision": result.response.revision,
            "answers": selectors.answer_values(result.response), "missing": [q.pk for q in result.missing],
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
            for response in selectors.survey_responses(survey)]



# Aggregated figures and briefs (staff and government observers) ---------------------------------------------
#
# Every number comes from grappe.core.aggregates: a cell of fewer than k distinct organisations, or one that
# would let such a cell be worked out, is {"suppressed": true} with no number at all.

class CellOut(Schema):
    suppressed: bool
    organisations: int | None = Field(None, description="Distinct organisations (absent when suppressed).")
    items: int | None = Field(None, description="Needs or answers counted.")
    mean: float | None = None
    share: float | None = Field(None, description=(
        "Organisations over those of the whole breakdown, 0..1 (absent when that total is suppressed)."))
    reason: str | None = Field(None, description=(
        "Why a suppressed figure that is not itself about fewer than k organisations is hidden (e.g. a mean "
        "that, beside suppressed counts, would let them be worked out)."))


class BarOut(Schema):
    key: str
    label: str
    cell: CellOut


class BreakdownOut(Schema):
    k: int
    bars: list[BarOut]
    total: CellOut


class ThemeLineOut(Schema):
    id: int
    name: str
    cells: list[CellOut] = Field(description="One per month, in the order of `months`.")
    total: CellOut


class ThemeTrendOut(Schema):
    k: int
    months: list[str]
    lines: list[ThemeLineOut]
    month_totals: list[CellOut]
    total: CellOut


class SurveyRateOut(Schema):
    id: int
    title: str
    status: str
    k: int
    invited: CellOut
    submitted: CellOut


class RisingOut(Schema):
    id: int
    name: str
    last: int = Field(description="Organisations raising it over the last 30 days.")
    before: float = Field(description="Their average per 30 days over the 90 days before.")


class SegmentOut(Schema):
    id: int
    name: str
    refused: str | None = Field(None, description="Why this segment's figures are not shown to this caller.")
    members: int | None = None
    total: CellOut | None = None
    bars: list[BarOut] | None = None


class DashboardOut(Schema):
    k: int
    months: list[str]
    themes: ThemeTrendOut
    categories: BreakdownOut
    urgency: BreakdownOut
    surveys: list[SurveyRateOut]
    rising: list[RisingOut]
    segments: list[SegmentOut]


class QuestionResultOut(Schema):
    id: int
    wording: str
    kind: str
    bars: list[BarOut] | None = None
    total: CellOut | None = None
    mean: CellOut | None = None


class SurveyResultsOut(Schema):
    id: int
    title: str
    k: int
    rate: SurveyRateOut
    questions: list[QuestionResultOut]


class BriefOut(Schema):
    id: int
    period_start: datetime.date
    period_end: datetime.date
    language: str
    status: str
    published_at: datetime.datetime | None
    pdf_url: str
    xlsx_url: str

    @staticmethod
    def resolve_pdf_url(brief) -> str:
        from django.urls import reverse

        return reverse("listening:brief-pdf", args=[brief.pk])

    @staticmethod
    def resolve_xlsx_url(brief) -> str:
        from django.urls import reverse

        return reverse("listening:brief-xlsx", args=[brief.pk])


class BriefDetailOut(BriefOut):
    recommendations: str
    figures: dict = Field(description="The brief's figures (frozen at publication); cells as in the dashboard.")


@router.get("/listening/dashboard", response=answers(DashboardOut, 403), url_name="listening-dashboard",
            summary="The aggregated dashboard: themes by month, needs by category and urgency, segments, surveys")
def dashboard(request):
    """Staff and government observers. The staff's figures are live and count staff-only needs too; observers'
    never count them and cover finished months and closed surveys only."""
    require(request.user, "listening.view_dashboards")
    who = dashboards.audience(request.user)
    return dashboards.as_json({**dashboards.overview(who),
                               "segments": dashboards.admitted_segments(who)})


@router.get("/listening/dashboard/surveys/{survey_id}", response=answers(SurveyResultsOut, 403, 404, 422),
            url_name="listening-dashboard-survey", summary="A survey's results as aggregates")
def dashboard_survey(request, survey_id: int):
    """Each closed question's distribution and mean; free-text answers never appear. Observers: closed surveys
    only (an open one answers 404)."""
    require(request.user, "listening.view_dashboards")
    survey = get_object_or_404(dashboards.dashboard_surveys(dashboards.audience(request.user)), pk=survey_id)
    return dashboards.as_json(dashboards.survey_results(survey))


@router.get("/listening/briefs", response=answers(list[BriefOut], 403), url_name="listening-brief-list",
            summary="Government briefs (observers: the published ones)")
def list_briefs(request):
    require(request.user, "listening.view_dashboards")
    return selectors.visible_briefs(request.user)


@router.get("/listening/briefs/{brief_id}", response=answers(BriefDetailOut, 404, 422),
            url_name="listening-brief-detail", summary="One brief with its figures")
def brief_detail(request, brief_id: int):
    brief = get_object_or_404(Brief, pk=brief_id)
    require_visible(request.user, "listening.view_brief", brief)
    return brief
