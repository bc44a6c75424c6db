from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from grappe.core.pages import page_for

from .. import selectors
from ..forms.taxonomy import CapabilityNodeForm, TaxonomyFilterForm
from ..models import Capability
from ..services import taxonomy as taxonomy_services


@page_for("members.manage_taxonomy")
def taxonomy(request):
    form = TaxonomyFilterForm(request.GET)
    query = form.query()
    return render(request, "members/taxonomy.html",
                  {"form": form, "query": query, "domains": selectors.taxonomy_tree(query)})


@page_for("members.manage_taxonomy")
def edit(request, pk=None):
    capability = get_object_or_404(Capability, pk=pk) if pk else None
    form = CapabilityNodeForm(request.POST or None, instance=capability)
    if request.method == "POST" and form.is_valid():
        try:
            taxonomy_services.save_capability_node(actor=request.user, data=form.cleaned_data, capability=capability)
        except ValueError as error:
            form.add_error("parent", str(error))
        else:
            messages.success(request, _("The taxonomy was saved."))
            return redirect("members:taxonomy")
    return render(request, "members/taxonomy_form.html", {"form": form, "capability": capability})
