"""The cluster's progress (members and staff: aggregates only) and the yearly report (staff). Thin: the figures
are progress.figures', the report's documents.report's."""

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject

from grappe.core import aggregates, downloads
from grappe.core.pages import page_for

from .. import progress
from ..documents import report
from ..forms.progress import ProgressFilterForm, ReportForm


@page_for("greening.view_progress")
def progress_dashboard(request):
    """The figures and the filters are rendered once per version, filters and language (progress.cached_html):
    the page is the same for every reader asking the same thing, and rendering its tables, charts and selects
    is most of its cost."""
    who = progress.audience(request.user)
    staff = who == progress.STAFF
    form = ProgressFilterForm(request.GET or None, staff=staff)
    filters = form.filters() if form.is_bound else progress.Filters()
    refusal, hidden_years = "", frozenset()
    try:
        hidden_years = progress.admit(who, filters, progress.years_of(filters))
    except aggregates.FilterRefused as error:
        refusal = error.message
        filters = progress.Filters(year_from=filters.year_from, year_to=filters.year_to)
    k = aggregates.current_k()
    # Read (unpickled from the cache) only when a fragment is rendered, or by a test.
    figs = SimpleLazyObject(lambda: progress.figures(filters, who, hidden_years))
    asked = sorted((name, value) for name, value in request.GET.items() if name in form.fields)
    years = progress.available_years()
    return render(request, "greening/progress.html", {
        "k": k, "figures": figs, "refusal": refusal,
        "filters_html": progress.cached_html(
            "filters", lambda: render_to_string("greening/_progress_filters.html", {"form": form}), staff, asked),
        "figures_html": progress.cached_html("figures", lambda: render_to_string(
            "greening/_progress_figures.html", {
                "figures": figs, "tables": report.tables(figs), "headings": report.headings(),
                "notes": report.notes(figs), "charts": progress.progress_charts(figs)}), filters.key(), k, sorted(hidden_years)),
        "report_form": ReportForm(initial={"year": years[-1] if years else timezone.localdate().year - 1,
                                           "format": "pdf", "language": translation.get_language()})
        if request.user.has_perm("greening.download_report") else None})


@page_for("greening.download_report")
def report_download(request):
    """The yearly report: ?year=2025&format=pdf|xlsx&language=fr|en (the last year reported, a PDF in the
    reader's language by default)."""
    years = progress.available_years()
    form = ReportForm({"year": request.GET.get("year") or (years[-1] if years else timezone.localdate().year - 1),
                       "format": request.GET.get("format") or "pdf",
                       "language": request.GET.get("language") or translation.get_language()})
    if not form.is_valid():
        return render(request, "greening/report_refused.html", {"form": form}, status=400)
    year, kind, language = form.cleaned_data["year"], form.cleaned_data["format"], form.cleaned_data["language"]
    content = report.render_pdf(year, language) if kind == "pdf" else report.render_xlsx(year, language)
    return downloads.attachment(content, report.filename(year, language, kind))
