"""The inbox's dispatch: each activity taken in is stored once (`ReceivedActivity`, keyed by its id) and handed
to the handler registered for its type. The apps of this package register their handlers from `apps.ready`."""

from collections.abc import Callable

from django.db import transaction

from ..models import Partner, ReceivedActivity

HANDLERS: dict[str, Callable[[Partner, dict], None]] = {}


def register(activity_type: str, handler: Callable[[Partner, dict], None]) -> None:
    HANDLERS[activity_type] = handler


def receive(partner: Partner, activity: dict) -> bool:
    """Store the activity once and act on it; False when it was already received (a second delivery)."""
    with transaction.atomic():
        _, created = ReceivedActivity.objects.get_or_create(
            activity_id=activity["id"], defaults={"partner": partner, "activity_type": activity["type"]})
        if not created:
            return False
        handler = HANDLERS.get(activity["type"])
        if handler is not None:
            handler(partner, activity)
    return True
