"""A member's feed: everything that concerns their organisation (grappe/bulletins/feed.py), with a filter by kind.
Thin: parse, call feed_for, render."""

from django.shortcuts import render

from grappe.core.pages import page_for

from .. import feed


@page_for("bulletins.view_feed")
def member_feed(request):
    labels = feed.kind_labels()
    kind = request.GET.get("kind", "")
    items = feed.feed_for(request.user.organisation)
    if kind in labels:
        items = [item for item in items if item.kind == kind]
    else:
        kind = ""
    return render(request, "bulletins/feed.html", {
        "items": items, "kind": kind, "kinds": list(labels.items()), "organisation": request.user.organisation})
