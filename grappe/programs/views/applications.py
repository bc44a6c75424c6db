"""An application as its applicant, its consortium partners, its evaluators and the staff read it."""

from django.shortcuts import get_object_or_404, render

from grappe.core.permissions import require_visible

from ..eligibility import Reason
from ..models import Application


def application_detail(request, pk):
    application = get_object_or_404(Application.objects.select_related("call__program", "lead"), pk=pk)
    require_visible(request.user, "programs.view_application", application)
    return render(request, "programs/application_detail.html", {
        "application": application, "call": application.call,
        "consortium": application.consortium.select_related("organisation"),
        "versions": application.versions.all(),
        "reasons": [Reason.from_json(r) for r in application.eligibility_reasons]})
