"""Opportunity pages: describe, confirm the competencies, read the analysis. Thin: parse, call a service, render.

An opportunity one may not see answers 404; one one may see but not change (a published opportunity of
another member) answers 403 to the pages that change or analyse it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for
from grappe.core.paging import paginate
from grappe.core.permissions import require, require_visible
from grappe.members.models import Organisation

from .. import engine, explain
from ..forms.opportunities import NeedsForm, OpportunityForm, RulesForm
from ..models import Opportunity, Visibility
from ..selectors import analysis
from ..selectors.opportunities import (
    all_opportunities,
    my_opportunities,
    needs_the_initiator_holds,
    published_opportunities,
)
from ..services import opportunities

PER_PAGE = 25


def _opportunity(request, pk: int, permission: str | None = None) -> Opportunity:
    """The opportunity if the user may see it (else 404) and has `permission` on it (else 403)."""
    opportunity = get_object_or_404(Opportunity.objects.select_related("initiator", "created_by"), pk=pk)
    require_visible(request.user, "partnering.view_opportunity", opportunity)
    if permission:
        require(request.user, permission, opportunity)
    return opportunity


@page_for("partnering.use_partnering")
def opportunity_list(request):
    user = request.user
    is_staff = user.has_perm("partnering.view_cluster_partnering")
    everyone, query_string = paginate(request, all_opportunities(), PER_PAGE) if is_staff else (None, "")
    return render(request, "partnering/opportunity_list.html", {
        "mine": my_opportunities(user),
        "published": published_opportunities(user)[:PER_PAGE],
        "page": everyone, "query_string": query_string, "is_staff": is_staff,
    })


@page_for("partnering.add_opportunity")
def opportunity_create(request):
    user = request.user
    choose_initiator = user.organisation is None or user.has_perm("partnering.view_cluster_partnering")
    form = OpportunityForm(request.POST or None, choose_initiator=choose_initiator,
                           initial={"initiator": user.organisation.slug if user.organisation else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        initiator: Organisation = data.get("initiator") or user.organisation
        try:
            # Checked before the token is spent: a refused text can be corrected and sent again.
            opportunities.infer_competencies(data["description"])

            def work():
                opportunity = opportunities.describe_opportunity(
                    actor=user, initiator=initiator, data=data,
                    required_certifications=data["required_certifications"])
                messages.success(request, _("Check the competencies Grappe found, then analyse."))
                if form.cut_note:
                    messages.warning(request, form.cut_note)
                return _competencies_url(opportunity)
            return redirect(submit_once(data["form_token"], work))
        except ValidationError as error:
            form.add_error("description", error)
    return render(request, "partnering/opportunity_form.html", {"form": form})


def _competencies_url(opportunity: Opportunity) -> str:
    return reverse("partnering:opportunity-competencies", args=[opportunity.pk])


@login_required
def opportunity_detail(request, pk):
    opportunity = _opportunity(request, pk)
    if request.method == "POST":
        return _change_status(request, opportunity)
    user = request.user
    return render(request, "partnering/opportunity_detail.html", {
        "opportunity": opportunity,
        "needs": opportunity.needs.select_related("capability__parent"),
        "certifications": opportunity.required_certifications.all(),
        "materials": explain.materials_named(opportunity.materials),
        "introductions": opportunity.introductions.select_related("partner")
        if user.has_perm("partnering.analyse_opportunity", opportunity) else [],
        "can_change": user.has_perm("partnering.change_opportunity", opportunity),
        "can_analyse": user.has_perm("partnering.analyse_opportunity", opportunity),
    })


def _change_status(request, opportunity: Opportunity):
    """Publish, take back or close the opportunity (buttons of the detail page)."""
    action = request.POST.get("action")
    if action == "close":
        opportunities.close_opportunity(actor=request.user, opportunity=opportunity)
        messages.success(request, _("The opportunity is closed."))
    elif action in ("publish", "unpublish"):
        visibility = Visibility.MEMBERS if action == "publish" else Visibility.PRIVATE
        opportunities.set_visibility(actor=request.user, opportunity=opportunity, visibility=visibility)
        messages.success(request, _("The opportunity is published to members.") if action == "publish"
                         else _("Only your organisation and the staff see the opportunity now."))
    else:
        require(request.user, "partnering.change_opportunity", opportunity)
    return redirect(opportunity)


@login_required
def opportunity_competencies(request, pk):
    opportunity = _opportunity(request, pk, "partnering.change_opportunity")
    needs = opportunity.needs.select_related("capability__parent")
    form = NeedsForm(request.POST or None, needs=needs)
    if request.method == "POST" and form.is_valid():
        must, nice = form.chosen()
        try:
            opportunities.set_opportunity_needs(actor=request.user, opportunity=opportunity, must_haves=must,
                                                nice_to_haves=nice)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if "analyse" in request.POST:
                return redirect("partnering:opportunity-analysis", opportunity.pk)
            return redirect("partnering:opportunity-competencies", opportunity.pk)
    return render(request, "partnering/opportunity_competencies.html", {
        "opportunity": opportunity, "form": form, "held": needs_the_initiator_holds(opportunity)})


@login_required
def opportunity_analysis(request, pk):
    """The answer. The consortium rules form posts here; with htmx only the consortia part is sent back."""
    opportunity = _opportunity(request, pk, "partnering.analyse_opportunity")
    rules = None
    rules_form = None
    if request.method == "POST":
        rules_form = RulesForm(request.POST, excludable=_excludable(opportunity))
        if rules_form.is_valid():
            rules = rules_form.to_rules()
    result = opportunities.analyse(actor=request.user, opportunity=opportunity, rules=rules)
    if rules_form is None or rules is not None:
        rules_form = RulesForm(initial=RulesForm.initial_from(result.rules),
                               excludable=_excludable(opportunity, result))
    context = {"opportunity": opportunity, "result": result, "rules_form": rules_form,
               "can_request": request.user.has_perm("partnering.request_introduction", opportunity)}
    if request.htmx:
        return render(request, "partnering/_consortia.html", context)
    return render(request, "partnering/opportunity_analysis.html", context)


def _excludable(opportunity: Opportunity, result: analysis.Analysis | None = None):
    """Organisations one may leave out: when showing the form, the members proposed and those already left out
    (a partner from outside the cluster is not offered: the rules name members only)."""
    queryset = Organisation.objects.exclude(pk=opportunity.initiator_id).order_by("legal_name")
    if result is None:
        return queryset  # checking what was posted
    ids = set(result.rules.excluded) | {card.organisation.pk for card in result.partners}
    if result.consortia is not None:
        ids |= {m.organisation.pk for team in result.consortia.teams for m in team.members}
    return queryset.filter(pk__in=[pk for pk in ids if engine.is_member_id(pk)])
