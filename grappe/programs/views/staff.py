"""The staff's pages: the programs, their envelopes and their calls."""

from django.shortcuts import get_object_or_404, render

from grappe.core.pages import page_for

from .. import selectors
from ..models import Program


@page_for("programs.manage_program")
def program_list(request):
    return render(request, "programs/staff/program_list.html", {"programs": selectors.programs_with_figures()})


@page_for("programs.manage_program")
def program_detail(request, pk):
    program = get_object_or_404(Program, pk=pk)
    calls = [(call, selectors.call_applications(call)) for call in program.calls.all()]
    return render(request, "programs/staff/program_detail.html", {"program": program, "calls": calls})
