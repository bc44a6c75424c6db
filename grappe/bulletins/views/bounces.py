"""The addresses the mail server refused, for the communications staff: whose they are, why, since when; and
clearing the flag once the address is corrected. Thin."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.models import BouncedAddress
from grappe.core.pages import page_for

from .. import selectors
from ..services import bounces as services

PER_PAGE = 50


@page_for("bulletins.manage_bulletins")
def bounce_list(request):
    page = Paginator(BouncedAddress.objects.all(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "bulletins/bounces.html", {"page": page, "rows": selectors.bounces_with_people(page)})


@require_POST
@page_for("bulletins.manage_bulletins")
def bounce_clear(request, pk):
    bounce = get_object_or_404(BouncedAddress, pk=pk)
    services.clear_bounce(actor=request.user, bounce=bounce)
    messages.success(request, _("%(email)s receives mail again.") % {"email": bounce.email})
    return redirect("bulletins:bounces")
