"""The calls as anyone reads them; a member also sees, for each open call, whether its organisation may apply."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from grappe.core.permissions import require_visible

from .. import selectors
from ..eligibility import reasons_not_eligible
from ..models import Call


def open_calls(request):
    organisation = request.user.organisation if request.user.is_authenticated else None
    rows = selectors.open_calls_for(organisation)
    return render(request, "programs/open_calls.html", {"rows": rows, "organisation": organisation})


def call_detail(request, pk):
    # Its required certifications are read twice (the eligibility, the page): one query serves both.
    call = get_object_or_404(Call.objects.select_related("program").prefetch_related("required_certifications"),
                             pk=pk)
    require_visible(request.user, "programs.view_call", call)
    organisation = request.user.organisation if request.user.is_authenticated else None
    reasons = (reasons_not_eligible(call, organisation, timezone.localdate())
               if organisation is not None else None)
    return render(request, "programs/call_detail.html", {
        "call": call, "criteria": call.criteria.all(), "reasons": reasons, "organisation": organisation,
        "certifications": call.required_certifications.all(),
        "may_apply": call.is_open(timezone.now()) and request.user.has_perm("programs.apply", call)})
