"""What an activity received from a partner cluster does.

The inbox's view checks who sent it (signature, partnership) and its shape, then calls `receive`. `receive`
stores the activity once, under its id (`ReceivedActivity`, unique), and calls the handler registered for its
type, in the same transaction: an activity delivered twice (a retry after a lost answer, a replay) is acted on
once, and a handler that fails leaves nothing stored, so that the sender's retry does it again. An activity of a
type nobody handles is stored and ignored.

Handlers take `(partner, activity)`, run inside that transaction, stay quick (they may queue background work),
and raise ValidationError for an activity they cannot read (the inbox answers 400: sending it again would not
help). The partnerships' own (Follow, Block, Undo) are here; the items' and interests' register theirs from their
AppConfig.ready().
"""

from collections.abc import Callable

from django.db import IntegrityError, transaction

from ..models import Partner, ReceivedActivity
from . import partnerships

HANDLERS: dict[str, Callable[[Partner, dict], None]] = {
    "Follow": partnerships.received_follow,
    "Block": partnerships.received_block,
    "Undo": partnerships.received_undo,
}


def register(activity_type: str, handler: Callable[[Partner, dict], None]) -> None:
    """Have `handler(partner, activity)` act on every new activity of `activity_type`."""
    HANDLERS[activity_type] = handler


def receive(partner: Partner, activity: dict) -> bool:
    """Store the activity once and act on it; False (and nothing done) when it was already received."""
    try:
        with transaction.atomic():
            ReceivedActivity.objects.create(partner=partner, activity_id=activity["id"],
                                            activity_type=activity["type"][:20])
            handler = HANDLERS.get(activity["type"])
            if handler is not None:
                handler(partner, activity)
    except IntegrityError:
        if ReceivedActivity.objects.filter(activity_id=activity["id"]).exists():
            return False
        raise
    return True
