import tablib
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.core.paging import paginate
from grappe.core.permissions import require

from .. import selectors
from ..forms import DirectoryFilterForm


def _filtered(request):
    form = DirectoryFilterForm(request.GET or None)
    queryset = selectors.directory_organisations(request.user)
    if form.is_valid():
        queryset = selectors.filter_directory(queryset, form.cleaned_data)
    return form, queryset


def directory(request):
    """The member directory: public fields for everyone, searchable in French and English."""
    form, queryset = _filtered(request)
    page, query_string = paginate(request, selectors.with_card_details(queryset), 24)
    template = "members/_directory_results.html" if request.htmx else "members/directory.html"
    return render(request, template, {"form": form, "page": page, "query_string": query_string})


EXPORT_COLUMNS = (
    ("legal_name", gettext_lazy("Legal name")), ("trade_name", gettext_lazy("Trade name")), ("neq", gettext_lazy("NEQ")),
    ("kind", gettext_lazy("Type")), ("size_band", gettext_lazy("Size")), ("city", gettext_lazy("City")), ("region", gettext_lazy("Region")),
    ("website", gettext_lazy("Website")), ("email", gettext_lazy("Email")), ("phone", gettext_lazy("Phone")),
    ("membership_status", gettext_lazy("Membership status")), ("member_since", gettext_lazy("Member since")),
)


@login_required
def export(request):
    """Staff download the filtered directory as XLSX (default) or CSV."""
    require(request.user, "members.export_directory")
    _form, queryset = _filtered(request)
    data = tablib.Dataset(headers=[str(label) for _name, label in EXPORT_COLUMNS] + [_("Core capabilities")])
    for organisation in selectors.with_card_details(queryset):
        row = []
        for name, _label in EXPORT_COLUMNS:
            display = getattr(organisation, f"get_{name}_display", None)
            value = display() if display else getattr(organisation, name)
            row.append("" if value is None else str(value))
        row.append("; ".join(c.capability.label for c in organisation.core_capabilities))
        data.append(row)
    data.title = _("Directory")
    stamp = timezone.localdate().isoformat()
    if request.GET.get("format") == "csv":
        response = HttpResponse(data.export("csv"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="grappe-directory-{stamp}.csv"'
    else:
        response = HttpResponse(
            data.export("xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="grappe-directory-{stamp}.xlsx"'
    return response
