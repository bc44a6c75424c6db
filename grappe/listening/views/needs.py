"""A member's needs: submit one, read the organisation's needs and what the cluster did with them.

Both pages are about the signed-in user's own organisation. The staff, who act for none, are sent to their
page of every need; anyone else without an organisation (an observer) finds nothing here.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from grappe.core.paging import paginate
from grappe.core.permissions import require_visible

from ..forms.needs import NeedForm
from ..selectors.needs import organisation_needs
from ..services import needs

PER_PAGE = 25


def _own_organisation(request):
    """The user's organisation if its needs are theirs to see; None for the staff (who go to their page)."""
    organisation = request.user.organisation
    if organisation is None:
        if request.user.has_perm("listening.view_cluster_listening"):
            return None
        raise Http404
    require_visible(request.user, "listening.view_own_needs", organisation)
    return organisation


@login_required
def need_list(request):
    organisation = _own_organisation(request)
    if organisation is None:
        return redirect("listening:staff-need-list")
    page, query_string = paginate(request, organisation_needs(organisation), PER_PAGE)
    return render(request, "listening/need_list.html", {
        "organisation": organisation, "page": page, "query_string": query_string})


@login_required
def need_create(request):
    organisation = _own_organisation(request)
    if organisation is None:
        return redirect("listening:staff-need-list")
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            needs.submit_need(actor=request.user, organisation=organisation, category=data["category"],
                              text=data["text"], language=data["language"], urgency=data["urgency"],
                              visibility=data["visibility"], token=data["form_token"])
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, _("Thank you: the cluster staff have your need."))
            return redirect(reverse("listening:need-list"))
    return render(request, "listening/need_form.html", {"organisation": organisation, "form": form})
