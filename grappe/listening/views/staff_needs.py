"""The staff read every need (staff-only ones included), filter them and say what the cluster did."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from grappe.core.paging import paginate

from ..forms.needs import NeedFilterForm, NeedResponseForm
from ..models import Need, Theme
from ..selectors.needs import cluster_needs
from ..services import needs
from .common import staff_page

PER_PAGE = 50


@staff_page
def need_list(request):
    form = NeedFilterForm(request.GET or None, themes=Theme.objects.filter(is_active=True))
    page, query_string = paginate(request, cluster_needs(form.filters()), PER_PAGE)
    return render(request, "listening/staff_need_list.html", {"form": form, "page": page,
                                                               "query_string": query_string})


@staff_page
def need_detail(request, pk):
    need = get_object_or_404(Need.objects.select_related("organisation", "submitted_by", "responded_by"), pk=pk)
    form = NeedResponseForm(request.POST or None, initial={"status": need.status, "response": need.response})
    if request.method == "POST" and form.is_valid():
        try:
            needs.respond_to_need(actor=request.user, need=need, response=form.cleaned_data["response"],
                                  status=form.cleaned_data["status"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved. The member sees your response on its needs page."))
            return redirect("listening:staff-need-detail", pk=need.pk)
    return render(request, "listening/staff_need_detail.html", {"need": need, "form": form})
