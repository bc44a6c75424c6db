"""Notifications: services decide who hears about a change; delivery happens after the commit."""

from django.db import transaction

from .models import Notification


def on_commit(function, *args, **kwargs) -> None:
    """Run `function` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: function(*args, **kwargs))


def send(users, text: str, url: str = "") -> None:
    Notification.objects.bulk_create([Notification(user=u, text=text[:500], url=url) for u in users])
