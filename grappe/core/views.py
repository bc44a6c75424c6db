"""Core's own pages: the audit log, a user's notifications, the anonymity threshold."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import aggregates, audit, selectors
from .forms import AnonymityThresholdForm, AuditFilterForm
from .pages import page_for
from .paging import paginate


@page_for("core.view_audit")
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    entries = selectors.audit_entries(**form.cleaned_data) if form.is_valid() else selectors.audit_entries()
    entries = audit.visible_to(request.user, entries)  # what an app hides from this reader for now
    page, query_string = paginate(request, entries, 50)
    return render(request, "core/audit_log.html", {"form": form, "page": page, "query_string": query_string,
                                                   "rows": selectors.readable_entries(page)})


@login_required
def notifications(request):
    items = selectors.notifications(request.user)
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "core/notifications.html", {"items": items})


@page_for("core.set_anonymity_threshold")
def anonymity_threshold(request):
    """The staff set k, the smallest group of organisations any shown figure may describe."""
    form = AnonymityThresholdForm(request.POST or None, initial={"k": aggregates.current_k()})
    if request.method == "POST" and form.is_valid():
        aggregates.set_k(actor=request.user, k=form.cleaned_data["k"])
        messages.success(request, _("The anonymity threshold is now %(k)d.") % {"k": form.cleaned_data["k"]})
        return redirect("core:anonymity-threshold")
    return render(request, "core/anonymity_threshold.html", {"form": form})
