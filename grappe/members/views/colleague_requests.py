"""Requests to colleagues: the admin's page (ask, and what was asked with its state), the colleague's "done", the
admin's "withdraw". Thin: parse, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.idempotency import submit_once
from grappe.core.pages import refused
from grappe.core.permissions import require_visible

from .. import request_subjects, selectors
from ..forms.colleague_requests import ColleagueRequestForm
from ..models import ColleagueRequest
from ..services import colleague_requests


@login_required
def request_list(request, slug):
    organisation = selectors.organisation_for(request.user, slug, "members.ask_colleagues")
    form = ColleagueRequestForm(request.POST or None, organisation=organisation, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind, subject_id = data["what"]
        here = reverse("members:colleague-requests", args=[slug])

        def work():
            colleague_requests.ask(actor=request.user, organisation=organisation, colleague=data["colleague"],
                                   kind=kind, subject_id=subject_id, note=data["note"], due_on=data["due_on"])
            messages.success(request, _("%(name)s will see it on their home page.") % {
                "name": data["colleague"].person.full_name})
            return here
        try:
            return redirect(submit_once(data["form_token"], work))
        except ValidationError as error:
            form.add_error(None, error)
    asked = [(item, request_subjects.url_of(item)) for item in selectors.requests_asked(organisation)]
    return render(request, "members/colleague_requests.html",
                  {"organisation": organisation, "form": form, "asked": asked})


def _request(user, pk) -> ColleagueRequest:
    item = get_object_or_404(ColleagueRequest.objects.select_related("organisation", "asked_by", "asked_of"), pk=pk)
    require_visible(user, "members.view_colleague_request", item)
    return item


@login_required
@require_POST
def request_done(request, pk):
    item = _request(request.user, pk)
    try:
        colleague_requests.mark_done(actor=request.user, item=item)
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(request, _("Marked as done: %(name)s is told.") % {"name": item.asked_by.full_name})
    return redirect("home:home")


@login_required
@require_POST
def request_withdraw(request, pk):
    item = _request(request.user, pk)
    try:
        colleague_requests.withdraw(actor=request.user, item=item)
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(request, _("The request was withdrawn: %(name)s is told.") % {
            "name": item.asked_of.full_name})
    return redirect("members:colleague-requests", slug=item.organisation.slug)
