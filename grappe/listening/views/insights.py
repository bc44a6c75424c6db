"""Aggregated dashboards and government briefs: the staff's and the government observers' pages.

Every figure comes from selectors.dashboards / selectors.briefs, hence through grappe.core.aggregates. Observers see the
dashboards (without staff-only needs, closed periods only) and the published briefs, nothing else; a draft
brief, or an open survey's results, is 404 to them.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from grappe.core import downloads
from grappe.core.pages import refused
from grappe.core.permissions import require, require_visible

from .. import documents
from ..forms.briefs import BriefForm, RecommendationsForm
from ..models import Brief
from ..selectors import dashboards
from ..selectors.briefs import visible_briefs
from ..services import briefs
from .common import dashboard_page, staff_page


@dashboard_page
def dashboard(request):
    who = dashboards.audience(request.user)
    overview = dashboards.overview(who)
    return render(request, "listening/dashboard.html", {
        "who": who, "o": overview, "k": overview["k"], "segments": dashboards.admitted_segments(who),
    })


@dashboard_page
def dashboard_survey(request, pk):
    survey = get_object_or_404(dashboards.dashboard_surveys(dashboards.audience(request.user)), pk=pk)
    results = dashboards.survey_results(survey)
    return render(request, "listening/dashboard_survey.html", {"survey": survey, "r": results, "k": results["k"]})


# Briefs -----------------------------------------------------------------------------------------------------

def _visible_brief(request, pk) -> Brief:
    brief = get_object_or_404(Brief, pk=pk)
    require_visible(request.user, "listening.view_brief", brief)
    return brief


@dashboard_page
def brief_list(request):
    staff = request.user.has_perm("listening.manage_briefs")
    return render(request, "listening/brief_list.html", {
        "briefs": visible_briefs(request.user), "staff": staff, "form": BriefForm() if staff else None,
    })


@staff_page
@require_POST
def brief_create(request):
    form = BriefForm(request.POST)
    if not form.is_valid():
        return render(request, "listening/brief_list.html",
                      {"briefs": visible_briefs(request.user), "staff": True, "form": form})
    brief = briefs.create_brief(actor=request.user, **form.cleaned_data)
    messages.success(request, _("Brief made. Add your recommendations, download it, then publish it."))
    return redirect("listening:brief-detail", pk=brief.pk)


@dashboard_page
def brief_detail(request, pk):
    brief = _visible_brief(request, pk)
    staff = request.user.has_perm("listening.manage_briefs", brief)
    form = None
    if staff and not brief.is_published:
        form = RecommendationsForm(request.POST or None, initial={"recommendations": brief.recommendations})
        if request.method == "POST" and form.is_valid():
            briefs.update_recommendations(actor=request.user, brief=brief, **form.cleaned_data)
            messages.success(request, _("Recommendations saved."))
            return redirect("listening:brief-detail", pk=brief.pk)
    elif request.method == "POST":
        require(request.user, "listening.manage_briefs", brief)
    context = documents.document_context(brief)
    return render(request, "listening/brief_detail.html", {**context, "form": form, "staff": staff})


@staff_page
@require_POST
def brief_refresh(request, pk):
    brief = get_object_or_404(Brief, pk=pk)
    try:
        briefs.refresh_figures(actor=request.user, brief=brief)
        messages.success(request, _("Figures computed again."))
    except ValidationError as error:
        refused(request, error)
    return redirect("listening:brief-detail", pk=brief.pk)


@staff_page
@require_POST
def brief_publish(request, pk):
    brief = get_object_or_404(Brief, pk=pk)
    try:
        briefs.publish_brief(actor=request.user, brief=brief)
        messages.success(request, _("Published: observers can now read and download it. It will not change."))
    except ValidationError as error:
        refused(request, error)
    return redirect("listening:brief-detail", pk=brief.pk)


def _filename(brief: Brief, extension: str) -> str:
    """In the reader's language: "note-d-information-2026-01-01-2026-03-31-en.pdf" for a French reader of an
    English brief."""
    name = pgettext("file name", "brief")
    return f"{name}-{brief.period_start}-{brief.period_end}-{brief.language}.{extension}"


@dashboard_page
def download_brief_pdf(request, pk):
    brief = _visible_brief(request, pk)
    return downloads.attachment(documents.brief_pdf(brief), _filename(brief, "pdf"))


@dashboard_page
def download_brief_xlsx(request, pk):
    brief = _visible_brief(request, pk)
    return downloads.attachment(documents.brief_xlsx(brief), _filename(brief, "xlsx"))


