"""The staff's pages of the partnerships: the partner clusters with their figures; adding one in two steps (its
address fetched, its name and key's fingerprint shown beside ours to compare by phone; then what may travel, and
the approval); a partner's page (its status and history, what travels, suspend / resume / revoke, what failed to
reach it and a retry). Thin: each parses, calls one service of services/partnerships.py or services/delivery.py
or a read of overview.py, and renders or goes back to the partner's page."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from grappe.core.errors import reason
from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused
from grappe.core.selectors import readable_entries

from .. import keys, overview, protocol
from ..forms.partners import AddressForm, ApproveForm, KindsForm
from ..models import ItemKind, Partner, PartnerStatus
from ..services import delivery, partnerships

PERMISSION = "federation.manage_partners"

# What each ActivityPub activity we send means, for the staff reading what failed.
ACTIVITY_LABELS = {
    "Follow": gettext_lazy("Our approval of the partnership"),
    "Block": gettext_lazy("Suspension or revocation"),
    "Undo": gettext_lazy("Resumption of the partnership"),
    "Create": gettext_lazy("A shared item"),
    "Update": gettext_lazy("A shared item's change"),
    "Delete": gettext_lazy("A shared item's withdrawal"),
    "Offer": gettext_lazy("A member's interest"),
    "Accept": gettext_lazy("An introduction"),
    "Reject": gettext_lazy("An interest declined"),
}


def partner_url(partner: Partner) -> str:
    return reverse("federation:partner-detail", args=[partner.pk])


def ourselves() -> dict:
    """What the other cluster's staff need from us: our address and our key's fingerprint."""
    return {"our_address": protocol.base_url(), "our_fingerprint": keys.fingerprint(keys.instance_key().public_key)}


@page_for(PERMISSION)
def partner_list(request):
    partners = list(overview.partners_with_figures())
    for partner in partners:
        partner.kind_labels = _kind_labels(partner)
    return render(request, "federation/partner_list.html", {"partners": partners})


def _kind_labels(partner: Partner) -> list[str]:
    return [ItemKind(kind).label for kind in partner.kinds if kind in ItemKind.values]


@page_for(PERMISSION)
def partner_add(request):
    """Step 1: the address. Found, the confirmation (step 2) follows on the same request; refused, the form again
    with what was typed and why."""
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            discovered = partnerships.discover(form.cleaned_data["address"])
        except ValidationError as error:
            form.add_error("address", reason(error))
        else:
            return _confirm(request, discovered, ApproveForm(initial={
                "address": form.cleaned_data["address"], "fingerprint": discovered.fingerprint}))
    return render(request, "federation/partner_add.html", {"form": form, **ourselves()})


def _confirm(request, discovered: partnerships.Discovered, form: ApproveForm):
    return render(request, "federation/partner_confirm.html",
                  {"discovered": discovered, "form": form, **ourselves()})


@require_POST
@page_for(PERMISSION)
def partner_approve(request):
    """Step 2: the address is fetched again and approved only if its key is still the one the staff compared."""
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the other cluster's address again."))
        return redirect("federation:partner-add")
    data = form.cleaned_data
    try:
        discovered = partnerships.discover(data["address"])
    except ValidationError as error:
        address_form = AddressForm({"address": data["address"]})
        if address_form.is_valid():
            address_form.add_error("address", reason(error))
        return render(request, "federation/partner_add.html", {"form": address_form, **ourselves()})
    if discovered.fingerprint != data["fingerprint"]:
        fresh = ApproveForm({"form_token": uuid.uuid4(), "address": data["address"],
                             "fingerprint": discovered.fingerprint, "kinds": data["kinds"]})
        fresh.is_valid()
        fresh.add_error(None, _("The other cluster's key is not the one you compared: compare this new "
                                "fingerprint with its staff by phone before approving."))
        return _confirm(request, discovered, fresh)
    try:
        url = submit_once(data["form_token"],
                          lambda: partner_url(partnerships.approve(request.user, discovered, data["kinds"])))
    except ValidationError as error:
        form.add_error(None, reason(error))
        return _confirm(request, discovered, form)
    messages.success(request, _("Approved. The partnership becomes active when the other cluster approves "
                                "ours."))
    return redirect(url)


def _partner(pk) -> Partner:
    return get_object_or_404(Partner.objects.select_related("approved_by", "changed_by"), pk=pk)


@page_for(PERMISSION)
def partner_detail(request, pk):
    return _detail(request, _partner(pk))


def _detail(request, partner: Partner, kinds_form: KindsForm | None = None):
    return render(request, "federation/partner_detail.html", {
        "partner": partner, "history": readable_entries(overview.history(partner)[:50]),
        "failed": [(row, ACTIVITY_LABELS.get(row.activity_type, row.activity_type))
                   for row in overview.failed_deliveries(partner)],
        "kinds_form": kinds_form or KindsForm(initial={"kinds": partner.kinds}),
        "kind_labels": _kind_labels(partner),
        # Either side may suspend: we resume only a suspension of ours (theirs is theirs to lift).
        "may_suspend": not partner.suspended_by_us and partner.status != PartnerStatus.REVOKED,
        "may_resume": partner.suspended_by_us and partner.status != PartnerStatus.REVOKED,
        "may_revoke": partner.status != PartnerStatus.REVOKED,
        **ourselves()})


@require_POST
@page_for(PERMISSION)
def partner_kinds(request, pk):
    partner = _partner(pk)
    form = KindsForm(request.POST)
    if not form.is_valid():
        return _detail(request, partner, kinds_form=form)
    try:
        partnerships.set_kinds(request.user, partner, form.cleaned_data["kinds"])
        messages.success(request, _("What travels to %(name)s is saved.") % {"name": partner.name})
    except ValidationError as error:
        refused(request, error)
    return redirect(partner_url(partner))


def _status_change(request, pk, change, done: str):
    partner = _partner(pk)
    try:
        change(request.user, partner)
        messages.success(request, done % {"name": partner.name})
    except ValidationError as error:
        refused(request, error)
    return redirect(partner_url(partner))


@require_POST
@page_for(PERMISSION)
def partner_suspend(request, pk):
    return _status_change(request, pk, partnerships.suspend,
                          _("The partnership with %(name)s is suspended: nothing travels either way, and what it "
                            "shared is hidden."))


@require_POST
@page_for(PERMISSION)
def partner_resume(request, pk):
    return _status_change(request, pk, partnerships.resume,
                          _("The partnership with %(name)s is resumed."))


@require_POST
@page_for(PERMISSION)
def partner_revoke(request, pk):
    return _status_change(request, pk, partnerships.revoke,
                          _("The partnership with %(name)s is revoked."))


@require_POST
@page_for(PERMISSION)
def partner_retry(request, pk):
    partner = _partner(pk)
    try:
        count = delivery.retry_failed(request.user, partner)
    except ValidationError as error:
        refused(request, error)
        return redirect(partner_url(partner))
    if count:
        messages.success(request, ngettext("%(count)d activity will be delivered again.",
                                           "%(count)d activities will be delivered again.", count) % {"count": count})
    else:
        messages.info(request, _("Nothing failed: there is nothing to try again."))
    return redirect(partner_url(partner))
