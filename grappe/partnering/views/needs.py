"""A member's declared needs and its confidential succession wish. Thin: parse, call a service, render.

Both pages are about the signed-in user's organisation; the staff, who have none, name one with
`?organisation=<slug>` (without it they are sent to their cluster-wide page).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.idempotency import submit_once
from grappe.core.permissions import require, require_visible
from grappe.members.models import Organisation

from ..forms.needs import DeclaredNeedForm, SuccessionFlagForm
from ..models import DeclaredNeed
from ..services import needs, succession


def _organisation(request) -> Organisation | None:
    """The organisation the page is about: the one named in the query, else the user's own."""
    slug = request.GET.get("organisation")
    if slug:
        return get_object_or_404(Organisation, slug=slug)
    return request.user.organisation


def _without_organisation(request, staff_page: str):
    """The staff, who act for no organisation, go to their cluster-wide page; anyone else finds nothing."""
    if request.user.has_perm("partnering.view_cluster_partnering"):
        return redirect(staff_page)
    raise Http404


def _page_url(url_name: str, organisation: Organisation, user) -> str:
    """The page again, naming the organisation when it is not the user's own."""
    url = reverse(url_name)
    return url if organisation == user.organisation else f"{url}?{urlencode({'organisation': organisation.slug})}"


@login_required
def declared_needs(request):
    organisation = _organisation(request)
    if organisation is None:
        return _without_organisation(request, "partnering:staff-pooling")
    require_visible(request.user, "partnering.view_declared_needs", organisation)
    can_manage = request.user.has_perm("partnering.manage_declared_needs", organisation)
    form = DeclaredNeedForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "partnering.manage_declared_needs", organisation)
        if form.is_valid():
            def work():
                data = form.cleaned_data
                needs.declare_need(
                    actor=request.user, organisation=organisation, kind=data["kind"], capability=data["capability"],
                    certification_type=data["certification_type"], description=data["description"])
                messages.success(request, _("Your need was recorded."))
                return _page_url("partnering:declared-needs", organisation, request.user)
            return redirect(submit_once(form.cleaned_data["form_token"], work))
    declared = (organisation.declared_needs.filter(is_active=True)
                .select_related("capability__parent", "certification_type"))
    return render(request, "partnering/needs.html", {
        "organisation": organisation, "needs": declared, "form": form, "can_manage": can_manage,
        "can_flag_succession": request.user.has_perm("partnering.manage_succession_flag", organisation)})


@login_required
@require_POST
def declared_need_remove(request, pk):
    need = get_object_or_404(DeclaredNeed.objects.select_related("organisation"), pk=pk)
    require_visible(request.user, "partnering.view_declared_needs", need.organisation)
    needs.withdraw_need(actor=request.user, need=need)
    messages.success(request, _("The need was withdrawn."))
    return redirect(_page_url("partnering:declared-needs", need.organisation, request.user))


@login_required
def succession_flag(request):
    organisation = _organisation(request)
    if organisation is None:
        return _without_organisation(request, "partnering:staff-succession")
    # Confidential: someone outside the organisation may not learn that a page about it exists (404); its own
    # members know the page (it is in their menu) and are told that only its administrators may use it (403).
    if organisation == request.user.organisation:
        require(request.user, "partnering.manage_succession_flag", organisation)
    require_visible(request.user, "partnering.manage_succession_flag", organisation)
    flag = organisation.succession_flags.filter(is_active=True).first()
    form = SuccessionFlagForm(request.POST or None, flag=flag)
    if request.method == "POST":
        if "withdraw" in request.POST:
            if flag is not None:
                succession.withdraw_succession_flag(actor=request.user, flag=flag)
            messages.success(request, _("Your wish was withdrawn."))
            return redirect(_page_url("partnering:succession", organisation, request.user))
        if form.is_valid():
            data = form.cleaned_data
            succession.raise_succession_flag(actor=request.user, organisation=organisation, kind=data["kind"],
                                             horizon=data["horizon"], note=data["note"])
            messages.success(request, _("The cluster staff have your wish, in confidence."))
            return redirect(_page_url("partnering:succession", organisation, request.user))
    return render(request, "partnering/succession.html", {"organisation": organisation, "flag": flag, "form": form})
