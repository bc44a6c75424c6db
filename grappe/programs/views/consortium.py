"""A consortium application's partners: the lead's people name them (by name, or the partners of one of its
opportunities in Partnering) with their shares of the work and of the budget; each partner's people confirm their
organisation's shares. Thin: parse, call one service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from grappe.core.pages import refused
from grappe.core.permissions import require, require_visible
from grappe.partnering.selectors.relations import opportunity_partners

from ..forms.consortium import HUNDRED, LeadSharesForm, OpportunityForm, PartnerFormSet, partner_choices
from ..models import Application
from ..services import applications


def _application(request, pk, permission: str) -> Application:
    """The application, if the user may read it (else 404) and do this to it (else 403)."""
    application = get_object_or_404(Application.objects.select_related("call", "lead"), pk=pk)
    require_visible(request.user, "programs.view_application", application)
    require(request.user, permission, application)
    return application


def edit(request, pk):
    """The lead's people set the consortium: its own shares and its partners' (none: it applies alone)."""
    application = _application(request, pk, "programs.change_application")
    if not application.is_editable:
        messages.error(request, _("A submitted application cannot be changed. The cluster staff may reopen it."))
        return redirect(application)
    members = list(application.consortium.select_related("organisation"))
    lead_row = next((m for m in members if m.organisation_id == application.lead_id), None)
    partners = [m for m in members if m.organisation_id != application.lead_id]
    opportunities = opportunity_partners(application.lead_id)
    chosen = _chosen_opportunity(request, opportunities)
    also = {m.organisation_id for m in partners} | {pk for _o, _t, ids in opportunities for pk in ids}
    lead_form = LeadSharesForm(request.POST or None, prefix="lead", initial={
        "share_of_work": lead_row.share_of_work if lead_row else HUNDRED,
        "share_of_budget": lead_row.share_of_budget if lead_row else HUNDRED})
    formset = PartnerFormSet(request.POST or None, prefix="partners",
                             initial=_partner_rows(partners, chosen),
                             form_kwargs={"choices": partner_choices(application.lead, also)})
    if request.method == "POST" and lead_form.is_valid() and formset.is_valid():
        shares = formset.shares()
        if shares:
            shares = {application.lead: (lead_form.cleaned_data["share_of_work"],
                                         lead_form.cleaned_data["share_of_budget"]), **shares}
        try:
            applications.set_consortium(actor=request.user, application=application, shares=shares)
        except ValidationError as error:
            lead_form.add_error(None, error)
        else:
            messages.success(request, _("The consortium is saved. Each partner whose shares are new or changed is "
                                        "asked to confirm them.") if shares else
                             _("The application is now the lead organisation's alone."))
            return redirect(application)
    opportunity_form = OpportunityForm(initial={"opportunity": chosen[0] if chosen else None})
    opportunity_form.fields["opportunity"].choices = [(o, title) for o, title, _ids in opportunities]
    return render(request, "programs/consortium_edit.html", {
        "application": application, "lead_form": lead_form, "formset": formset,
        "opportunity_form": opportunity_form if opportunities else None})


def _chosen_opportunity(request, opportunities) -> tuple[int, str, list[int]] | None:
    """The opportunity whose partners fill the rows (?opportunity=id), if it is one of the lead's."""
    wanted = request.GET.get("opportunity", "")
    return next((o for o in opportunities if str(o[0]) == wanted), None)


def _partner_rows(partners, chosen) -> list[dict]:
    rows = [{"organisation": m.organisation_id, "share_of_work": m.share_of_work,
             "share_of_budget": m.share_of_budget} for m in partners]
    if chosen:
        known = {m.organisation_id for m in partners}
        rows += [{"organisation": pk} for pk in chosen[2] if pk not in known]
    return rows


def confirm(request, pk):
    """A partner's people read the consortium and confirm their organisation's shares."""
    application = _application(request, pk, "programs.confirm_share")
    member = get_object_or_404(application.consortium, organisation=request.user.organisation)
    if request.method == "POST":
        try:
            applications.confirm_share(actor=request.user, member=member)
            messages.success(request, _("Your organisation's shares are confirmed."))
        except ValidationError as error:
            refused(request, error)
        return redirect(application)
    return render(request, "programs/consortium_confirm.html", {
        "application": application, "member": member,
        "consortium": application.consortium.select_related("organisation")})


def consortium_context(user, application: Application) -> dict:
    """What the application's page offers about its consortium: the lead's people manage it, a partner whose
    shares wait for its confirmation is asked to confirm them."""
    waiting = (application.is_editable and user.has_perm("programs.confirm_share", application)
               and application.consortium.filter(organisation=user.organisation, confirmed_at__isnull=True).exists())
    return {"may_manage_consortium": application.is_editable and user.has_perm("programs.change_application",
                                                                               application),
            "may_confirm_share": waiting}
