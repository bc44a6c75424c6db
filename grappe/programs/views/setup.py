"""The staff set up programs and their calls: a program (its envelope), a call and its evaluation grid, then
publish and close the call. Thin: parse, call one service (services/programs.py, services/calls.py), render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused

from ..forms.calls import CallForm, CallTextForm, ProgramForm, criteria_formset, kept_rows
from ..models import Call, CallStatus, Program
from ..services import calls, programs


@page_for("programs.manage_program")
def program_form(request, pk=None):
    """A new program, or a program's changes."""
    program = get_object_or_404(Program, pk=pk) if pk else None
    form = ProgramForm.for_program(program, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in programs.PROGRAM_FIELDS}

        def work():
            if program is None:
                return programs.create_program(actor=request.user, data=data).get_absolute_url()
            return programs.update_program(actor=request.user, program=program, data=data).get_absolute_url()
        try:
            return redirect(submit_once(form.cleaned_data["form_token"], work))
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "programs/staff/program_form.html", {"form": form, "program": program})


@page_for("programs.manage_program")
def call_form(request, pk=None, program_pk=None):
    """A new call of a program, or a call's changes: all of it while a draft, its texts and deadline once
    published."""
    call = get_object_or_404(Call.objects.select_related("program"), pk=pk) if pk else None
    program = call.program if call else get_object_or_404(Program, pk=program_pk)
    if call is not None and call.status == CallStatus.CLOSED:
        messages.error(request, _("This call is closed: it can no longer be changed."))
        return redirect(program)
    whole = call is None or call.status == CallStatus.DRAFT
    data = request.POST or None
    form = (CallForm if whole else CallTextForm).for_call(call, data)
    grid = criteria_formset(call, data) if whole else None
    if request.method == "POST" and form.is_valid() and (grid is None or grid.is_valid()):
        extra = {"certifications": form.cleaned_data["certifications"], "criteria": kept_rows(grid)} if whole else {}

        def work():
            if call is None:
                saved = calls.create_call(actor=request.user, program=program, data=form.saved(), **extra)
            else:
                saved = calls.update_call(actor=request.user, call=call, data=form.saved(), **extra)
            return reverse("programs:call-edit", args=[saved.pk])
        try:
            url = submit_once(form.cleaned_data["form_token"], work)
            messages.success(request, _("The call is saved."))
            return redirect(url)
        except ValidationError as error:
            form.add_error(None, error if hasattr(error, "error_dict") and _known(form, error) else error.messages)
    return render(request, "programs/staff/call_form.html", {
        "form": form, "grid": grid, "call": call, "program": program, "zone": form.zone_name})


def _known(form, error: ValidationError) -> bool:
    """The error names fields of this form (else it is said above the form)."""
    return all(name in form.fields for name in error.error_dict)


def _call_action(request, pk, action, done: str):
    call = get_object_or_404(Call, pk=pk)
    try:
        action(actor=request.user, call=call)
        messages.success(request, done)
    except ValidationError as error:
        refused(request, error)
    return redirect(call)


@require_POST
@page_for("programs.manage_program")
def call_publish(request, pk):
    return _call_action(request, pk, calls.publish_call, _(
        "The call is published in French and English. Its rules and evaluation grid can no longer change; you may "
        "still correct its texts and extend its deadline."))


@require_POST
@page_for("programs.manage_program")
def call_close(request, pk):
    return _call_action(request, pk, calls.close_call, _("The call is closed: it takes no more applications."))
