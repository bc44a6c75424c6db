"""The inbox: every activity a partner sends is stored once (keyed by its id), then handed to the handler of its
type. The apps' services register their handlers from `apps.ready` (`register("Offer", interests.on_offer)`).
"""

from collections.abc import Callable

from django.db import IntegrityError, transaction

from ..models import Partner, ReceivedActivity

HANDLERS: dict[str, Callable[[Partner, dict], None]] = {}


def register(activity_type: str, handler: Callable[[Partner, dict], None]) -> None:
    HANDLERS[activity_type] = handler


def receive(partner: Partner, activity: dict) -> bool:
    """Store the activity once and act on it; False when it was already received (a second delivery)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                ReceivedActivity.objects.create(partner=partner, activity_id=activity["id"],
                                                activity_type=activity.get("type", ""))
        except IntegrityError:
            return False
        handler = HANDLERS.get(activity.get("type"))
        if handler is not None:
            handler(partner, activity)
    return True
