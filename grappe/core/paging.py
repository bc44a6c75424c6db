from django.core.paginator import Page, Paginator


def paginate(request, queryset, per_page: int) -> tuple[Page, str]:
    """The requested page, and the query string of the other parameters (for the page links)."""
    params = request.GET.copy()
    params.pop("page", None)
    return Paginator(queryset, per_page).get_page(request.GET.get("page")), params.urlencode()
