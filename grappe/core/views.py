from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from grappe.core.paging import paginate
from grappe.core.permissions import require

from . import aggregates
from .forms import AnonymityThresholdForm, AuditFilterForm
from .models import AuditEntry


@login_required
def audit_log(request):
    require(request.user, "core.view_audit")
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor_label__icontains=data["actor"])
        if data["action"]:
            entries = entries.filter(action__icontains=data["action"])
        if data["target"]:
            entries = entries.filter(Q(target_label__icontains=data["target"]) | Q(target_type=data["target"]))
        if data["since"]:
            entries = entries.filter(created_at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(created_at__date__lte=data["until"])
    page, query_string = paginate(request, entries, 50)
    return render(request, "core/audit_log.html", {"form": form, "page": page, "query_string": query_string})


@login_required
def notifications(request):
    items = list(request.user.notifications.all()[:100])
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "core/notifications.html", {"items": items})


@login_required
def anonymity_threshold(request):
    """The staff set k, the smallest group of organisations any shown figure may describe."""
    require(request.user, "core.set_anonymity_threshold")
    form = AnonymityThresholdForm(request.POST or None, initial={"k": aggregates.current_k()})
    if request.method == "POST" and form.is_valid():
        aggregates.set_k(actor=request.user, k=form.cleaned_data["k"])
        messages.success(request, _("The anonymity threshold is now %(k)d.") % {"k": form.cleaned_data["k"]})
        return redirect("core:anonymity-threshold")
    return render(request, "core/anonymity_threshold.html", {"form": form})
