"""The pages of interests received from partner clusters' members: the staff's list (introduce or decline),
and an interest's page, where the staff act and where the administrators of the item's organisation, once
asked, consent to the introduction or decline. Thin: parse, call a service, render.

An interest waiting for the staff is theirs alone: the item's organisation does not find it (404) until asked.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.pages import page_for, refused
from grappe.core.permissions import require_visible

from .. import selectors
from ..forms.interests import DeclineForm
from ..models import InterestStatus
from ..services import interests as services


def received_interest_for(request, pk: int):
    interest = get_object_or_404(selectors.received_interests(), pk=pk)
    require_visible(request.user, "federation.view_received_interest", interest)
    return interest


@page_for("federation.handle_interests")
def received_list(request):
    interests = list(selectors.received_interests())
    for interest in interests:
        interest.title = selectors.shared_item_title(interest.shared_item)
    return render(request, "federation/received_interests.html", {"interests": interests})


@page_for("federation.browse")
def received_detail(request, pk):
    interest = received_interest_for(request, pk)
    user = request.user
    waiting = interest.status in {InterestStatus.RECEIVED, InterestStatus.ASKED}
    is_staff = user.has_perm("federation.handle_interests")
    return render(request, "federation/received_interest.html", {
        "interest": interest, "title": selectors.shared_item_title(interest.shared_item),
        "is_staff": is_staff, "may_introduce": is_staff and interest.status == InterestStatus.RECEIVED,
        "may_consent": interest.status == InterestStatus.ASKED
        and user.has_perm("federation.consent_interest", interest),
        "may_decline": waiting and user.has_perm("federation.decline_interest", interest)
        and (is_staff or interest.status == InterestStatus.ASKED),
        "decline_form": DeclineForm()})


def _act(request, pk, action):
    """Run `action(interest)`, which returns what to tell the person; a refusal is told instead."""
    interest = received_interest_for(request, pk)
    try:
        messages.success(request, action(interest))
    except ValidationError as error:
        refused(request, error)
    return redirect("federation:received-interest", pk=interest.pk)


def _introduced(interest) -> str:
    if interest.status == InterestStatus.ASKED:
        return _("The organisation's administrators are asked whether they agree to be introduced.")
    return _("The introduction is made: your name and email are sent to the other cluster.")


@require_POST
@page_for("federation.handle_interests")
def introduce(request, pk):
    return _act(request, pk, lambda interest: _introduced(services.introduce(request.user, interest)))


@require_POST
@page_for("federation.browse")
def consent(request, pk):
    def agree(interest):
        services.consent(request.user, interest)
        return _("Thank you: your name and work email are sent to the other cluster.")
    return _act(request, pk, agree)


@require_POST
@page_for("federation.browse")
def decline(request, pk):
    form = DeclineForm(request.POST)

    def refuse(interest):
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        services.decline(request.user, interest, form.cleaned_data["reason"])
        return _("The interest is declined; the other cluster is told.")
    return _act(request, pk, refuse)
