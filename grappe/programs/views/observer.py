"""What a government observer reads of the programs (the staff too): the list of programs with their aggregated
results, and the summaries of funded projects that the staff published. Never an application itself."""

from django.db.models import Exists, OuterRef
from django.shortcuts import render

from grappe.core.pages import page_for

from ..models import Call, CallStatus, Decision, Program


@page_for("programs.view_results")
def results_list(request):
    published_calls = Call.objects.filter(program=OuterRef("pk")).exclude(status=CallStatus.DRAFT)
    programs = Program.objects.filter(Exists(published_calls)).order_by("-created_at")
    return render(request, "programs/report/results_list.html", {"programs": programs})


@page_for("programs.view_results")
def published_summaries(request):
    decisions = (Decision.objects.filter(summary_published_at__isnull=False)
                 .select_related("application__lead", "application__call__program")
                 .order_by("-summary_published_at", "pk"))
    return render(request, "programs/report/summaries.html", {"decisions": decisions})
