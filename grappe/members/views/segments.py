"""The staff's segments: list them with how many organisations each matches now, create, edit, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.idempotency import submit_once
from grappe.core.pages import page_for
from grappe.core.permissions import require

from .. import segments
from ..forms.segments import SegmentForm
from ..models import Segment
from ..services import segments as segment_services


@page_for("members.manage_segments")
def segment_list(request):
    rows = []
    for segment in Segment.objects.prefetch_related("capabilities", "certification_types"):
        criteria = segments.Criteria.of(segment)
        rows.append({"segment": segment, "description": segments.describe(criteria),
                     "count": segments.organisations_in(criteria).count()})
    return render(request, "members/segment_list.html", {"rows": rows})


@page_for("members.manage_segments")
def edit(request, pk=None):
    """One page to create or change a segment. "Preview" shows the description and the count of the
    criteria as entered, without saving."""
    segment = get_object_or_404(Segment, pk=pk) if pk else None
    initial = SegmentForm.initial_for(segment) if segment else None
    form = SegmentForm(request.POST or None, initial=initial)
    criteria = segments.Criteria.of(segment) if segment else segments.Criteria()
    if request.method == "POST" and form.is_valid():
        criteria = segments.Criteria.from_form(form.cleaned_data)
        if "preview" not in request.POST:
            def work():
                saved = segment_services.save_segment(actor=request.user, data=form.cleaned_data, segment=segment)
                messages.success(request, _("The segment “%(name)s” was saved.") % {"name": saved.name})
                return reverse("members:segment-list")
            return redirect(submit_once(form.cleaned_data["form_token"], work))
    count = segments.organisations_in(criteria).count()
    return render(request, "members/segment_form.html", {
        "form": form, "segment": segment, "description": segments.describe(criteria),
        "count_label": segments.count_label(count)})


@login_required
@require_POST
def delete(request, pk):
    require(request.user, "members.manage_segments")
    segment = get_object_or_404(Segment, pk=pk)
    try:
        segment_services.delete_segment(actor=request.user, segment=segment)
    except ProtectedError:
        messages.error(request, _("“%(name)s” is still used (a survey, a bulletin…): it was kept.")
                       % {"name": segment.name})
    else:
        messages.success(request, _("The segment “%(name)s” was deleted.") % {"name": segment.name})
    return redirect("members:segment-list")
