"""Resolutions and votes: the list, a resolution's page (its ballot and proxy forms), its results, and the draft and
publish forms of the staff and co-chairs. Thin: parse, call one service (services/resolutions.py,
services/votes.py), render.

Before closing nobody sees how the votes go: a secret ballot's running counts exist nowhere but in its anonymous
ballots, and an open ballot shows its turnout only (how many organisations voted), so no one votes with the
crowd. The counts appear once counted, at closing.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from grappe.core import charts
from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused
from grappe.core.permissions import require, require_visible
from grappe.members.models import in_language

from .. import selectors
from ..forms.resolutions import BallotForm, ProxyForm, ResolutionForm
from ..models import Body, Resolution
from ..rules import co_chairs
from ..services import resolutions, votes


def _visible(request, pk) -> Resolution:
    resolution = get_object_or_404(Resolution.objects.select_related("body", "item"), pk=pk)
    require_visible(request.user, "governance.view_resolution", resolution)
    return resolutions.count_if_due(resolution)


@page_for("governance.view_resolutions")
def resolution_list(request):
    return render(request, "governance/resolution_list.html", {
        "groups": selectors.resolutions_for(request.user),
        "may_draft": request.user.has_perm("governance.draft_resolutions")})


def _page(request, resolution, *, ballots=None, proxy_form=None):
    entries = selectors.ballot(request.user, resolution)
    ballots = ballots or {}
    is_open = _is_open(resolution)
    for entry in entries:
        entry["may_cast"] = is_open and entry["holder"] is None and not (resolution.secret and entry["voted"])
        key = entry["organisation"].pk
        # One form per organisation on the page: ids of their own, so that each label names its own choice.
        entry["form"] = ballots.get(key) or BallotForm(resolution=resolution, auto_id=f"id_{key}_%s", initial={
            "organisation": key, "option": entry["option"].pk if entry["option"] else None})
    own = next((e for e in entries if not e["by_proxy"]), None)
    may_give = (own is not None and not own["voted"] and own["holder"] is None and resolution.max_proxies > 0
                and not any(e["by_proxy"] for e in entries))
    return render(request, "governance/resolution_detail.html", {
        "resolution": resolution, "entries": entries, "own": own,
        "open": is_open, "turnout": selectors.turnout(resolution) if resolution.published_at else None,
        "proxy_form": proxy_form or (ProxyForm(holders=selectors.proxy_holders(resolution, request.user))
                                     if may_give else None),
        "may_manage": request.user.has_perm("governance.manage_resolution", resolution),
        "authorised": request.user.has_perm("governance.vote", resolution)})


def _is_open(resolution) -> bool:
    try:
        votes.check_window(resolution)
    except ValidationError:
        return False
    return True


@page_for("governance.view_resolutions")
def resolution_detail(request, pk):
    return _page(request, _visible(request, pk))


@sensitive_post_parameters("option")  # an error report never shows what was voted
@require_POST
@page_for("governance.view_resolutions")
def resolution_vote(request, pk):
    """Cast (or change) the vote of the caster's organisation, or of one whose proxy it holds."""
    resolution = _visible(request, pk)
    require(request.user, "governance.vote", resolution)
    form = BallotForm(request.POST, resolution=resolution)
    if form.is_valid():
        wanted = form.cleaned_data["organisation"] or request.user.organisation.pk
        organisation = next((e["organisation"] for e in selectors.ballot(request.user, resolution)
                             if e["organisation"].pk == wanted), None)
        if organisation is None:
            raise Http404
        try:
            done = votes.cast(actor=request.user, resolution=resolution, option=form.cleaned_data["option"],
                              organisation=organisation)
            said = (_("The vote of %(organisation)s is changed.") if done == "changed"
                    else _("The vote of %(organisation)s is cast."))
            messages.success(request, said % {"organisation": organisation})
            return redirect("governance:resolution-detail", pk=resolution.pk)
        except ValidationError as error:
            refused(request, error)
        return _page(request, resolution, ballots={organisation.pk: form})
    return _page(request, resolution, ballots={form.cleaned_data.get("organisation"): form})


@require_POST
@page_for("governance.view_resolutions")
def proxy_give(request, pk):
    resolution = _visible(request, pk)
    require(request.user, "governance.vote", resolution)
    form = ProxyForm(request.POST, holders=selectors.proxy_holders(resolution, request.user))
    if form.is_valid():
        holder = next(o for o in selectors.proxy_holders(resolution, request.user)
                      if o.pk == form.cleaned_data["holder"])
        try:
            votes.give_proxy(actor=request.user, resolution=resolution, holder=holder)
            messages.success(request, _("Your organisation’s proxy is given to %(holder)s.") % {"holder": holder})
            return redirect("governance:resolution-detail", pk=resolution.pk)
        except ValidationError as error:
            refused(request, error)
    return _page(request, resolution, proxy_form=form)


@require_POST
@page_for("governance.view_resolutions")
def proxy_withdraw(request, pk):
    resolution = _visible(request, pk)
    require(request.user, "governance.vote", resolution)
    try:
        votes.withdraw_proxy(actor=request.user, resolution=resolution)
        messages.success(request, _("Your organisation’s proxy is withdrawn: it votes itself again."))
    except ValidationError as error:
        refused(request, error)
    return redirect("governance:resolution-detail", pk=resolution.pk)


@page_for("governance.view_resolutions")
def resolution_results(request, pk):
    resolution = _visible(request, pk)
    if resolution.published_at is None:
        raise Http404
    results = resolution.results
    chart = None
    if results:
        labels = [in_language_of(o) for o in results["options"]]
        chart = charts.bars(labels, [o["votes"] for o in results["options"]], title=_("Votes per option"),
                            value_title=_("organisations"))
    return render(request, "governance/resolution_results.html", {
        "resolution": resolution, "results": results, "chart": chart, "turnout": selectors.turnout(resolution),
        "options": [{"label": in_language_of(o), "votes": o["votes"], "is_abstention": o["is_abstention"]}
                    for o in results["options"]] if results else [],
        "carried": next((in_language_of(o) for o in results["options"] if o["id"] == results["carried"]), "")
        if results else ""})


def in_language_of(option: dict) -> str:
    return in_language(option["label_fr"], option["label_en"])


@page_for("governance.draft_resolutions")
def resolution_new(request):
    """A new draft resolution: to the whole membership (staff) or to a body the author co-chairs."""
    staff = request.user.is_cluster_staff
    bodies = Body.objects.filter(archived_at__isnull=True)
    if not staff:
        chaired = [s.body_id for s in request.user.governance_seats.filter(chair_seat__isnull=False)
                   if co_chairs(request.user, s.body)]
        bodies = bodies.filter(pk__in=chaired)
    chosen = request.GET.get("body", "")  # from a body's page: put to that body
    initial = {"body": int(chosen)} if chosen.isdigit() and bodies.filter(pk=int(chosen)).exists() else {}
    form = ResolutionForm(request.POST or None, bodies=bodies, whole_membership=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in resolutions.RESOLUTION_FIELDS}

        def work():
            drafted = resolutions.draft_resolution(actor=request.user, body=form.cleaned_data["body"], data=data,
                                                   options=form.parsed_options(), item=form.cleaned_data["item"])
            return reverse("governance:resolution-detail", args=[drafted.pk])
        try:
            url = submit_once(form.cleaned_data["form_token"], work)
            messages.success(request, _("The resolution is drafted: check it, then publish it."))
            return redirect(url)
        except ValidationError as error:
            form.add_error(None, error if hasattr(error, "error_dict") and set(error.error_dict) <= set(form.fields)
                           else error.messages)
    return render(request, "governance/resolution_form.html", {"form": form})


@require_POST
@page_for("governance.view_resolutions")
def resolution_publish(request, pk):
    resolution = _visible(request, pk)
    require(request.user, "governance.manage_resolution", resolution)
    try:
        resolutions.publish(actor=request.user, resolution=resolution)
        messages.success(request, _("The resolution is published: its electors are told."))
    except ValidationError as error:
        refused(request, error)
    return redirect("governance:resolution-detail", pk=resolution.pk)
