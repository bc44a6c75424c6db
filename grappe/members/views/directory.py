from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from grappe.core import downloads, spreadsheets
from grappe.core.pages import page_for

from .. import directory_cache, directory_cards, documents, selectors
from ..forms.directory import DirectoryFilterForm

CARDS_PER_PAGE = 24


def directory_params(query: QueryDict) -> QueryDict:
    """What the directory reads of a query string: its filters and page, not empty, the last value of each
    (as a form reads it), in a fixed order. The page links and the cache key are made from these alone."""
    params = QueryDict(mutable=True)
    for name in sorted([*DirectoryFilterForm.base_fields, "page"]):
        value = query.get(name, "").strip()
        if value:
            params[name] = value
    return params


def _filtered(params: QueryDict, user):
    form = DirectoryFilterForm(params or None)
    queryset = selectors.directory_organisations(user)
    if form.is_valid():
        queryset = selectors.filter_directory(queryset, form.cleaned_data)
    return form, queryset


def _filters_query_string(params: QueryDict) -> str:
    filters = params.copy()
    filters.pop("page", None)
    return filters.urlencode()


def _render_listing(params: QueryDict, user) -> dict:
    """The filter form's fields and the results as HTML, rendered without the request: nothing of the
    visitor gets in, so the public listing can be shared (members.directory_cache)."""
    form, queryset = _filtered(params, user)
    page = Paginator(queryset.values_list("pk", flat=True), CARDS_PER_PAGE).get_page(params.get("page"))
    cards = directory_cache.cards(
        list(page), lambda ids: directory_cards.render(selectors.directory_organisations(user).filter(pk__in=ids)))
    return {
        "filters": _filters_html(form),
        "results": render_to_string("members/_directory_results.html", {
            "page": page, "cards": cards, "query_string": _filters_query_string(params)}),
    }


def _filters_html(form: DirectoryFilterForm) -> SafeString:
    """Each filter's label and widget. Written here rather than by a template, as the widgets themselves are
    (core.forms QuickTextInput, QuickSelect, PreparedSelect): this is on every page of a new search."""
    return mark_safe("".join(  # noqa: S308 — the ids and labels are escaped, the widgets escape what they write
        f'\n<div class="mb-2"><label class="form-label small mb-0" for="{escape(field.id_for_label)}">'
        f'{escape(field.label)}</label>{field}</div>\n' for field in form) + "\n")


def directory(request):
    """The member directory: public fields for everyone, searchable in French and English. The listing comes
    from the cache for everyone but staff; the frame around it is the visitor's own."""
    params = directory_params(request.GET)
    listing = directory_cache.listing(request.user, params, lambda: _render_listing(params, request.user))
    if request.htmx:
        return HttpResponse(listing["results"])
    return render(request, "members/directory.html", {**listing, "query_string": _filters_query_string(params)})


@page_for("members.export_directory")
def export(request):
    """Staff download the filtered directory as XLSX (default) or CSV."""
    _form, queryset = _filtered(directory_params(request.GET), request.user)
    sheet = documents.directory_sheet(queryset)
    name = pgettext("file name", "grappe-directory") + f"-{timezone.localdate().isoformat()}"
    if request.GET.get("format") == "csv":
        return downloads.attachment(spreadsheets.csv(sheet), f"{name}.csv")
    return downloads.attachment(spreadsheets.xlsx(sheet), f"{name}.xlsx")
