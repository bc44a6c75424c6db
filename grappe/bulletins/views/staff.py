"""The staff's pages of information circulation: every bulletin with where it stands. Thin."""

from django.core.paginator import Paginator
from django.shortcuts import render

from grappe.core.pages import page_for

from .. import selectors

PER_PAGE = 30


@page_for("bulletins.manage_bulletins")
def manage(request):
    page = Paginator(selectors.staff_bulletins(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "bulletins/manage.html", {"page": page})
