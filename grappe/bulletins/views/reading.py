"""Reading bulletins: the news list (public ones for anyone, and those sent to a member's organisation) and a
bulletin's page. Thin: parse, call one selector, render."""

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from ..mail import linked_page

from .. import selectors
from ..models import Bulletin, Category

PER_PAGE = 20


def bulletin_list(request):
    bulletins = selectors.bulletins_for(request.user)
    category = request.GET.get("category", "")
    if category in Category.values:
        bulletins = bulletins.filter(category=category)
    page = Paginator(bulletins, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "bulletins/bulletin_list.html", {
        "page": page, "categories": Category.choices, "category": category,
        "may_view_feed": request.user.has_perm("bulletins.view_feed")})


def bulletin_detail(request, pk):
    bulletin = Bulletin.objects.select_related("call", "event", "resolution").filter(pk=pk).first()
    if bulletin is None or not request.user.has_perm("bulletins.view_bulletin", bulletin):
        if not request.user.is_authenticated:
            # A member following an email's link signed out signs in and lands on it; whether it exists is not
            # told: any number but a public bulletin's asks to sign in.
            return redirect_to_login(request.get_full_path())
        raise Http404  # a bulletin one may not read does not exist for them
    button = linked_page(bulletin)
    return render(request, "bulletins/bulletin_detail.html", {
        "bulletin": bulletin, "button": button and {"label": button[0], "url": button[1]}})
