"""The share page: an organisation's administrator chooses which of its items travel to partner clusters (its
opportunities, declared needs, availabilities and capability profile), and the staff choose the cluster's public
events. Off by default. Each item shows EXACTLY what would be sent (`items.fields_for_display` of
`items.to_object`), what never travels, and to which partner clusters it would go. Thin: parse, call a service
(services/sharing.py), render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.pages import page_for, refused

from .. import items
from ..forms.sharing import ShareForm
from ..models import ItemKind, SharedItem
from ..services import sharing


@page_for("federation.browse")
def share_page(request):
    """The staff's events; a member's organisation's items, with switches for its administrators (a colleague
    reads what is shared, and that its administrators decide)."""
    user = request.user
    if user.is_cluster_staff:
        organisation, candidates, may_share = None, items.event_candidates(), True
    else:
        organisation = user.organisation
        candidates = items.organisation_candidates(organisation)
        may_share = user.has_perm("federation.share_for_organisation", SharedItem(organisation=organisation))
    shared = set(SharedItem.objects.filter(kind__in={kind for kind, _item in candidates})
                 .values_list("kind", "object_id"))
    recipients = {kind: [partner.name for partner in sharing.recipients(kind)] for kind in ItemKind.values}
    cards = [_card(kind, item, (kind, item.pk) in shared, recipients[kind]) for kind, item in candidates]
    return render(request, "federation/share.html", {"organisation": organisation, "cards": cards,
                                                     "may_share": may_share})


@require_POST
@page_for("federation.browse")
def share_item(request, kind: str, pk: int):
    """Switch one item's sharing on or off."""
    item = _own_item(request.user, kind, pk)
    form = ShareForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["shared"]:
                sharing.share(request.user, kind, item)
                messages.success(request, _("Shared with partner clusters."))
            else:
                shared = SharedItem.objects.filter(kind=kind, object_id=item.pk).first()
                if shared is not None:
                    sharing.unshare(request.user, shared)
                messages.success(request, _("No longer shared with partner clusters."))
        except ValidationError as error:
            refused(request, error)
    return redirect(reverse("federation:share") + f"#{kind}-{item.pk}")


def _own_item(user, kind: str, pk: int):
    """The item if it is one the user's share page lists: 404 for another organisation's (its existence is not
    revealed), 403 for one the user sees but may not share (a colleague who is not an administrator, the staff
    for a member's item)."""
    item = items.load(kind, pk) if kind in ItemKind.values else None
    if item is None:
        raise Http404
    organisation = items.organisation_of(kind, item)
    if kind == ItemKind.EVENT:
        if not user.is_cluster_staff:
            raise Http404
    elif not user.is_cluster_staff and organisation != user.organisation:
        raise Http404
    elif not user.has_perm("federation.share_for_organisation", SharedItem(kind=kind, organisation=organisation)):
        raise PermissionDenied
    return item


def _card(kind: str, item, shared: bool, recipients: list[str]) -> dict:
    shareable = items.is_shareable(kind, item)
    sent = items.to_object(kind, item)
    return {
        "kind": kind, "kind_label": items.KIND_NAMES[kind], "item": item, "anchor": f"{kind}-{item.pk}",
        "title": items.title_of(sent),
        "shareable": shareable, "shared": shared, "recipients": recipients,
        "preview": items.fields_for_display(kind, sent) if shareable else [],
        "never_sent": items.NEVER_SENT[kind],
        "form": ShareForm(initial={"shared": shared}, prefix_id=f"{kind}-{item.pk}"),
    }
