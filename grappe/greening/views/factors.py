"""The staff's emission factor pages: the sets and their factors with references, publishing a set from a CSV
file, making a set current, and recomputing past baselines with a set (a job with progress). Thin."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused

from .. import selectors
from ..forms.factors import FactorSetForm, RecomputeForm
from ..models import FactorSet
from ..services import factors as factor_services
from ..sources import variant_label

MAX_UPLOAD = 1_000_000  # bytes: a factor file is a few kilobytes


@page_for("greening.manage_factors")
def factor_sets(request):
    return render(request, "greening/factor_sets.html", {
        "factor_sets": FactorSet.objects.all()})


@page_for("greening.manage_factors")
def factor_set(request, pk):
    found = get_object_or_404(FactorSet, pk=pk)
    factors = [{"factor": factor, "variant": variant_label(factor.source_kind, factor.variant)}
               for factor in found.factors.all()]
    return render(request, "greening/factor_set.html", {
        "factor_set": found, "factors": factors, "job": selectors.latest_recompute(found),
        "recompute_form": RecomputeForm(), "baselines": found.baselines.count()})


@page_for("greening.manage_factors")
def factor_set_publish(request):
    form = FactorSetForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        read = _read(data["file"])
        errors = read.errors
        if not errors:
            try:
                url = submit_once(data["form_token"], lambda: reverse("greening:factor-set", args=[
                    factor_services.publish(request.user, name=data["name"], year=data["year"], source=data["source"],
                                            rows=read.rows, make_current=data["make_current"]).pk]))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The factor set is published."))
                return redirect(url)
    return render(request, "greening/factor_set_form.html", {"form": form, "errors": errors})


def _read(upload) -> factor_services.FactorFile:
    if upload.size > MAX_UPLOAD:
        return factor_services.FactorFile(errors=[_("The file is larger than 1 MB: is it the right one?")])
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return factor_services.FactorFile(errors=[_("The file is not text in UTF-8: save it as CSV UTF-8.")])
    return factor_services.read_factor_file(text)


@require_POST
@page_for("greening.manage_factors")
def factor_set_make_current(request, pk):
    found = get_object_or_404(FactorSet, pk=pk)
    factor_services.make_current(request.user, found)
    messages.success(request, _("New baselines are now computed with %(name)s. Past baselines keep their set "
                                "until you recompute them.") % {"name": found.name})
    return redirect("greening:factor-set", pk=found.pk)


@require_POST
@page_for("greening.manage_factors")
def factor_set_recompute(request, pk):
    found = get_object_or_404(FactorSet, pk=pk)
    form = RecomputeForm(request.POST)
    if not form.is_valid():
        refused(request, ValidationError(form.errors.get("years") or _("Check the years.")))
        return redirect("greening:factor-set", pk=found.pk)
    factor_services.start_recompute(request.user, found, form.cleaned_data["years"])
    messages.success(request, _("The baselines are being recomputed; this page shows the progress."))
    return redirect("greening:factor-set", pk=found.pk)
