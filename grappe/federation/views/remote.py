"""The members' pages of what partner clusters shared: the list (by kind, by cluster, by words of the title),
an item's page with the "I am interested" form, and the interests one's organisation sent. Thin: parse, call a
selector or a service, render.

Members and the staff browse; only a member expresses an interest, for its organisation. An item of a
suspended or revoked partnership, or withdrawn at its origin, is not found (404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grappe.core.idempotency import submit_once
from grappe.core.paging import paginate
from grappe.core.pages import page_for

from .. import items, selectors
from ..forms.interests import InterestForm, RemoteFilterForm
from ..models import ItemKind, RemoteItem
from ..services import interests as services

PER_PAGE = 25


def visible_item(pk: int) -> RemoteItem:
    return get_object_or_404(selectors.visible_remote_items(), pk=pk)


@page_for("federation.browse")
def remote_list(request):
    form = RemoteFilterForm(request.GET or None, partners=selectors.partners_with_items())
    partner, query = form.value("partner"), form.value("q")
    items = selectors.visible_remote_items(kind=form.value("kind"), partner=partner, query=query)
    page, query_string = paginate(request, items, PER_PAGE)
    counts = selectors.counts_by_kind(partner=partner, query=query)
    return render(request, "federation/remote_list.html", {
        "form": form, "page": page, "query_string": query_string, "filtered": bool(request.GET),
        "counts": [(kind, label, counts[kind]) for kind, label in ItemKind.choices]})


def _detail(request, item: RemoteItem, form: InterestForm | None = None):
    user = request.user
    may_express = user.has_perm("federation.express_interest")
    interest = selectors.interest_of(user.organisation, item) if may_express else None
    if interest is not None:
        interest.answer_text = selectors.answer_text(interest)
    if may_express and interest is None and form is None:
        form = InterestForm()
    # The title is the page's heading, the organisation is under it, and the description says at length what the
    # summary says in short.
    shown = (_("Title"), _("Organisation"))
    fields = [(name, value) for name, value in items.fields_for_display(item.kind, item.data) if name not in shown]
    described = any(name == _("Description") for name, _value in fields)
    return render(request, "federation/remote_detail.html", {
        "item": item, "fields": fields, "described": described, "interest": interest, "form": form if interest is None else None,
        "organisation": user.organisation})


@page_for("federation.browse")
def remote_detail(request, pk):
    return _detail(request, visible_item(pk))


@require_POST
@page_for("federation.express_interest")
def remote_interest(request, pk):
    item = visible_item(pk)
    form = InterestForm(request.POST)
    if form.is_valid():
        def work():
            data = form.cleaned_data
            services.express(request.user, item, data["message"], data["give_contact"])
            return reverse("federation:remote-detail", args=[item.pk])
        try:
            url = submit_once(form.cleaned_data["form_token"], work)
            messages.success(request, _("Your interest is sent to %(partner)s's staff.") % {
                "partner": item.partner.name})
            return redirect(url)
        except ValidationError as error:
            known = hasattr(error, "error_dict") and all(name in form.fields for name in error.error_dict)
            form.add_error(None, error if known else error.messages)
    return _detail(request, item, form)


@page_for("federation.express_interest")
def sent_interests(request):
    organisation = request.user.organisation  # a member's (federation.express_interest)
    interests = list(selectors.sent_interests(organisation))
    for interest in interests:
        interest.answer_text = selectors.answer_text(interest)
    return render(request, "federation/sent_interests.html", {
        "interests": interests,
        "visible": set(selectors.visible_remote_items().filter(interests__organisation=organisation)
                       .values_list("pk", flat=True))})
