"""The listening API for the aggregated figures and the government briefs (staff and government observers).

Every number comes from grappe.core.aggregates: a cell of fewer than k distinct organisations, or one that
would let such a cell be worked out, is {"suppressed": true} with no number at all.
"""

import datetime

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Router, Schema

from grappe.core.api_schemas import answers
from grappe.core.permissions import require, require_visible

from ..models import Brief
from ..selectors import dashboards
from ..selectors.briefs import visible_briefs

router = Router()


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
        return reverse("listening:brief-pdf", args=[brief.pk])

    @staticmethod
    def resolve_xlsx_url(brief) -> str:
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
    return visible_briefs(request.user)


@router.get("/listening/briefs/{brief_id}", response=answers(BriefDetailOut, 404, 422),
            url_name="listening-brief-detail", summary="One brief with its figures")
def brief_detail(request, brief_id: int):
    brief = get_object_or_404(Brief, pk=brief_id)
    require_visible(request.user, "listening.view_brief", brief)
    return brief
