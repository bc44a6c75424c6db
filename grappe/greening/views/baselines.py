"""A member's baseline form (a year's activity data by source, its scope 3, its figures) and its commitments.
Thin: parse, call one service, render. Only an organisation's administrators write; its people read its figures
on `my-figures`; a baseline or commitment of another organisation does not exist for them (404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for, refused
from grappe.core.permissions import require, require_visible

from .. import selectors
from ..forms.baselines import BaselineForm, CommitmentForm, LineFormSet, Scope3FormSet, line_rows, scope3_rows
from ..models import Baseline, Commitment
from ..services import baselines as baseline_services
from ..services import commitments as commitment_services
from ..sources import variant_label


def _organisation(request):
    organisation = request.user.organisation
    if organisation is None:
        raise Http404
    return organisation


def _own_baseline(request, year: int) -> Baseline:
    baseline = get_object_or_404(Baseline.objects.select_related("factor_set"),
                                 organisation=_organisation(request), year=year)
    require(request.user, "greening.edit_figures", baseline)
    return baseline


@page_for("greening.view_own")
def baseline_create(request):
    organisation = _organisation(request)
    require(request.user, "greening.edit_figures", Baseline(organisation=organisation))
    return _baseline_page(request, organisation, None)


@page_for("greening.view_own")
def baseline_edit(request, year):
    baseline = _own_baseline(request, year)
    return _baseline_page(request, baseline.organisation, baseline)


def _baseline_page(request, organisation, baseline):
    if request.method == "POST":
        form = _fixed_year(BaselineForm(request.POST, initial={"year": baseline.year} if baseline else None), baseline)
        lines = LineFormSet(request.POST, prefix="lines")
        scope3 = Scope3FormSet(request.POST, prefix="scope3")
        if all([form.is_valid(), lines.is_valid(), scope3.is_valid()]) and _saved(
                request, organisation, form, lines, scope3, new=baseline is None):
            return redirect(reverse("greening:baseline-edit", args=[form.cleaned_data["year"]]))
    else:
        initial = {"year": baseline.year, "employees": baseline.employees, "revenue": baseline.revenue} if baseline \
            else {}
        form = _fixed_year(BaselineForm(initial=initial), baseline)
        lines = LineFormSet(initial=line_rows(list(baseline.lines.all()) if baseline else []), prefix="lines")
        scope3 = Scope3FormSet(initial=scope3_rows(list(baseline.scope3_lines.all()) if baseline else []),
                               prefix="scope3")
    return render(request, "greening/baseline_form.html", {
        "baseline": baseline, "form": form, "lines": lines, "scope3": scope3,
        "computed": _computed(baseline), "factor_set": selectors.current_factor_set()})


def _fixed_year(form: BaselineForm, baseline) -> BaselineForm:
    """A baseline's page changes that year only: its year is shown, not sent."""
    if baseline is not None:
        form.fields["year"].disabled = True
    return form


def _saved(request, organisation, form, lines, scope3, new: bool) -> bool:
    """Call the service; on a refusal, put its reason beside what it concerns and say False."""
    kept = [(index, line_form.line()) for index, line_form in enumerate(lines.forms)]
    kept = [(index, line) for index, line in kept if line is not None]
    data = form.cleaned_data
    try:
        submit_once(data["form_token"], lambda: baseline_services.save_baseline(
            request.user, organisation, year=data["year"], employees=data["employees"], revenue=data["revenue"],
            lines=[line for _index, line in kept],
            scope3=[item for item in (scope_form.item() for scope_form in scope3.forms) if item], new=new)
            and reverse("greening:baseline-edit", args=[data["year"]]))
    except baseline_services.LineRefused as error:
        lines.forms[kept[error.index][0]].add_error(None, error.messages)
        return False
    except baseline_services.UnusualQuantities as error:
        for index, reason in error.reasons.items():
            lines.forms[kept[index][0]].add_error("confirmed_unusual", reason)
        return False
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, _("The baseline of %(year)s is saved.") % {"year": data["year"]})
    return True


def _computed(baseline):
    """The baseline's lines with the factor each was computed with and its reference."""
    if baseline is None:
        return []
    factors = selectors.factor_table(baseline.factor_set)
    rows = []
    for line in baseline.lines.all():
        rows.append({"line": line, "variant": variant_label(line.source_kind, line.variant),
                     "factor": factors.get((line.source_kind, line.variant))})
    return rows


@require_POST
@page_for("greening.view_own")
def baseline_report(request, year):
    baseline = _own_baseline(request, year)
    try:
        baseline_services.report_baseline(request.user, baseline)
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(request, _("The baseline of %(year)s is reported.") % {"year": year})
    return redirect("greening:my-figures")


@page_for("greening.view_own")
def commitment_create(request):
    organisation = _organisation(request)
    require(request.user, "greening.edit_figures", Commitment(organisation=organisation))
    form = CommitmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            url = submit_once(data["form_token"], lambda: commitment_services.make_commitment(
                request.user, organisation, kind=data["kind"], target_year=data["target_year"],
                base_year=data["base_year"], reduction_percent=data["reduction_percent"], note=data["note"])
                and reverse("greening:my-figures"))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The commitment is recorded."))
            return redirect(url)
    return render(request, "greening/commitment_form.html", {"form": form})


@require_POST
@page_for("greening.view_own")
def commitment_withdraw(request, pk):
    commitment = get_object_or_404(Commitment, pk=pk)
    require_visible(request.user, "greening.view_figures", commitment)
    require(request.user, "greening.edit_figures", commitment)
    try:
        commitment_services.withdraw_commitment(request.user, commitment)
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(request, _("The commitment is withdrawn."))
    return redirect("greening:my-figures")
