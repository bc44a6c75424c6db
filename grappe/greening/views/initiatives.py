"""Shared initiatives: the list, an initiative's page, a new one, joining and leaving. Thin: the work is
services.initiatives'."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused

from ..forms.initiatives import InitiativeForm
from ..models import Initiative, InitiativeParticipant
from ..services import initiatives as services


def _visible(request, pk) -> Initiative:
    """The initiative, if the reader may see it; else it does not exist for them."""
    return get_object_or_404(services.visible_initiatives(request.user), pk=pk)


@page_for("greening.view_initiatives")
def initiative_list(request):
    initiatives = services.visible_initiatives(request.user).prefetch_related("participants")
    return render(request, "greening/initiative_list.html", {
        "initiatives": initiatives,
        "may_start": request.user.has_perm("greening.start_initiative") and request.user.organisation is not None})


@page_for("greening.view_initiatives")
def initiative_detail(request, pk):
    initiative = _visible(request, pk)
    organisation = request.user.organisation
    participants = list(InitiativeParticipant.objects.filter(initiative=initiative).select_related("organisation"))
    joined = organisation is not None and any(p.organisation_id == organisation.pk for p in participants)
    return render(request, "greening/initiative_detail.html", {
        "initiative": initiative, "opportunity": initiative.opportunity, "participants": participants,
        "joined": joined, "is_initiator": organisation is not None
        and organisation.pk == initiative.opportunity.initiator_id,
        "may_join": organisation is not None and request.user.has_perm("greening.join_initiative", organisation),
        "may_open_opportunity": request.user.has_perm("partnering.view_opportunity", initiative.opportunity)})


@page_for("greening.start_initiative")
def initiative_create(request):
    organisation = request.user.organisation
    if organisation is None:  # an initiative is an organisation's: the staff have none to start one for
        raise PermissionDenied
    form = InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def work():
            initiative = services.start_initiative(
                actor=request.user, organisation=organisation, title=data["title"],
                description=data["description"], theme=data["theme"],
                expected_reduction_kg=data["expected_reduction_kg"], visibility=data["visibility"])
            return reverse("greening:initiative-detail", args=[initiative.pk])
        try:
            url = submit_once(data["form_token"], work)
            messages.success(request, _("The initiative is started; your organisation takes part in it."))
            return redirect(url)
        except ValidationError as error:
            form.add_error(None, error.messages)
    return render(request, "greening/initiative_form.html", {"form": form})


@require_POST
@page_for("greening.view_initiatives")
def initiative_join(request, pk):
    initiative = _visible(request, pk)
    organisation = request.user.organisation
    if organisation is None or not request.user.has_perm("greening.join_initiative", organisation):
        raise PermissionDenied
    services.join_initiative(actor=request.user, initiative=initiative, organisation=organisation)
    messages.success(request, _("Your organisation takes part in this initiative; the members see it."))
    return redirect("greening:initiative-detail", pk=initiative.pk)


@require_POST
@page_for("greening.view_initiatives")
def initiative_leave(request, pk):
    initiative = _visible(request, pk)
    organisation = request.user.organisation
    if organisation is None or not request.user.has_perm("greening.join_initiative", organisation):
        raise PermissionDenied
    try:
        services.leave_initiative(actor=request.user, initiative=initiative, organisation=organisation)
        messages.success(request, _("Your organisation left this initiative."))
    except ValidationError as error:
        refused(request, error)
    return redirect("greening:initiative-detail", pk=initiative.pk)
