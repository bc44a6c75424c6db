"""The funder's report: the program's aggregated results page (the staff and the government observers), its PDF
and XLSX (the staff, in the language they choose, by default their own), and the staff's publication of a funded
project's summary. Every figure comes from report.program_figures, hence grappe.core.aggregates."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core import downloads
from grappe.core.pages import page_for, refused
from grappe.core.permissions import require, require_visible

from ..documents import funder_report
from ..models import Application, Program
from ..services import reporting
from .observer import programs_with_results


def _program(pk) -> Program:
    return get_object_or_404(Program, pk=pk)


@page_for("programs.view_results")
def program_results(request, pk):
    program = get_object_or_404(programs_with_results(), pk=pk)  # the list's programs, no other
    return render(request, "programs/report/results.html", {
        **funder_report.report_context(program), "may_download": request.user.has_perm("programs.manage_program")})


def _language(request) -> str:
    """The language the staff chose for the report; the reader's own by default."""
    chosen = request.GET.get("language", "")
    return chosen if chosen in dict(settings.LANGUAGES) else translation.get_language()


@page_for("programs.manage_program")
def report_pdf(request, pk):
    program, language = _program(pk), _language(request)
    return downloads.attachment(funder_report.render_pdf(program, language),
                                funder_report.filename(program, language, "pdf"))


@page_for("programs.manage_program")
def report_xlsx(request, pk):
    program, language = _program(pk), _language(request)
    return downloads.attachment(funder_report.render_xlsx(program, language),
                                funder_report.filename(program, language, "xlsx"))


@require_POST
def publish_summary(request, pk):
    """Publish a funded project's summary for the observers (`published=1`), or withdraw it (`published=0`).
    Like every application page, it does not exist for whoever may not see the application."""
    application = get_object_or_404(Application, pk=pk)
    require_visible(request.user, "programs.view_application", application)
    require(request.user, "programs.manage_program")
    published = request.POST.get("published", "1") == "1"
    try:
        reporting.set_summary_published(actor=request.user, application=application, published=published)
        messages.success(request, _("The summary is published for the government observers.") if published
                         else _("The summary is withdrawn: the observers no longer see it."))
    except ValidationError as error:
        refused(request, error)
    return redirect(application)
