"""Introductions: ask for one from the analysis, list them, read and write the thread, accept or decline.

Thin: parse, call a service, render. Both sides and the staff see an introduction; anyone else gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused
from grappe.core.paging import paginate
from grappe.core.permissions import require, require_visible

from ..forms.introductions import IntroductionRequestForm, MessageForm
from ..models import Introduction, IntroductionStatus, Opportunity
from ..selectors.introductions import (
    all_introductions,
    introduction_contacts,
    introductions_received,
    introductions_sent,
)
from ..services import introductions

PER_PAGE = 25


def _introduction(request, pk: int) -> Introduction:
    introduction = get_object_or_404(
        Introduction.objects.select_related("opportunity__initiator", "partner", "requested_by", "answered_by"),
        pk=pk)
    require_visible(request.user, "partnering.view_introduction", introduction)
    return introduction


@login_required
@require_POST
def introduction_request(request, pk):
    opportunity = get_object_or_404(Opportunity.objects.select_related("initiator"), pk=pk)
    require_visible(request.user, "partnering.view_opportunity", opportunity)
    require(request.user, "partnering.request_introduction", opportunity)
    form = IntroductionRequestForm(request.POST)
    if not form.is_valid():
        raise Http404  # a partner that is not an active member: nothing to introduce to
    try:
        introduction = introductions.request_introduction(
            actor=request.user, opportunity=opportunity, partner=form.cleaned_data["partner"],
            message=form.cleaned_data["message"])
    except ValidationError as error:
        refused(request, error)
        return redirect("partnering:opportunity-analysis", opportunity.pk)
    if request.htmx:
        return render(request, "partnering/_introduction_status.html",
                      {"introduction": introduction, "opportunity": opportunity})
    messages.success(request, _("Your request was sent to %(partner)s. Their contacts will be shown here once "
                                "they accept.") % {"partner": introduction.partner})
    return redirect(introduction)


@page_for("partnering.use_partnering")
def introduction_list(request):
    user = request.user
    is_staff = user.has_perm("partnering.view_cluster_partnering")
    everyone, query_string = paginate(request, all_introductions(), PER_PAGE) if is_staff else (None, "")
    return render(request, "partnering/introduction_list.html", {
        "sent": introductions_sent(user), "received": introductions_received(user),
        "page": everyone, "query_string": query_string, "is_staff": is_staff,
    })


@login_required
def introduction_detail(request, pk):
    introduction = _introduction(request, pk)
    user = request.user
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        require(user, "partnering.post_introduction_message", introduction)
        if form.is_valid():
            def work():
                introductions.post_introduction_message(actor=user, introduction=introduction,
                                                        text=form.cleaned_data["text"])
                return introduction.get_absolute_url()
            return redirect(submit_once(form.cleaned_data["form_token"], work))
    return render(request, "partnering/introduction_detail.html", {
        "introduction": introduction,
        "thread": introduction.messages.select_related("author"),
        "contacts": introduction_contacts(introduction, user),
        "form": form,
        "can_write": user.has_perm("partnering.post_introduction_message", introduction),
        "can_answer": (introduction.status == IntroductionStatus.REQUESTED
                       and user.has_perm("partnering.answer_introduction", introduction)),
    })


@login_required
@require_POST
def introduction_answer(request, pk):
    introduction = _introduction(request, pk)
    require(request.user, "partnering.answer_introduction", introduction)
    accept = request.POST.get("answer") == "accept"
    try:
        introductions.answer_introduction(actor=request.user, introduction=introduction, accept=accept)
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(request, _("You accepted: your contacts and theirs are shown below.") if accept
                         else _("You declined the introduction."))
    return redirect(introduction)
