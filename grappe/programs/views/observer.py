"""What a government observer reads of the programs (the staff too): the list of programs with their aggregated
results, and the summaries of funded projects that the staff published. Never an application itself."""

from django.db.models import Exists, OuterRef
from django.shortcuts import render

from grappe.core.pages import page_for

from ..models import Call, CallStatus, Decision, Program


def programs_with_results():
    """The programs whose results are read: those with a published call (a program of drafts has none)."""
    published_calls = Call.objects.filter(program=OuterRef("pk")).exclude(status=CallStatus.DRAFT)
    return Program.objects.filter(Exists(published_calls))


@page_for("programs.view_results")
def results_list(request):
    programs = programs_with_results().order_by("-created_at")
    return render(request, "programs/report/results_list.html", {"programs": programs})


@page_for("programs.view_results")
def published_summaries(request):
    decisions = (Decision.objects.filter(summary_published_at__isnull=False)
                 .select_related("application__lead", "application__call__program")
                 .order_by("-summary_published_at", "pk"))
    return render(request, "programs/report/summaries.html", {"decisions": decisions})
