"""Paging of long lists: the pages' `?page=` (Django's Paginator) and the API's `limit`/`offset`."""

from django.core.paginator import Page, Paginator
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 200
# Far beyond any list Grappe holds, and far below the 64-bit integers the database takes for an OFFSET:
# a larger value is refused with 422 before any query rather than overflowing the database driver.
MAX_OFFSET = 1_000_000_000


def paginate(request, queryset, per_page: int) -> tuple[Page, str]:
    """The requested page, and the query string of the other parameters (for the page links)."""
    params = request.GET.copy()
    params.pop("page", None)
    return Paginator(queryset, per_page).get_page(request.GET.get("page")), params.urlencode()


class ApiPagination(LimitOffsetPagination):
    """Every API list: `?limit=&offset=`, answered as `{"items": [...], "count": N}`.

    Both bounds are declared in the schema, so a value out of range answers 422 naming the parameter (and
    clients can read the bounds in /api/openapi.json) instead of being clamped in silence or reaching the
    database. Use it as `@paginate(ApiPagination)` on every list endpoint."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"How many items, at most {MAX_LIMIT}.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
