"""The lock every organiser's write takes first, so that two writes to one event run one after the other."""

from grappe.core.permissions import require

from ..models import Event


def locked_event(actor, event: Event) -> Event:
    """The event as it is now, locked until the transaction ends, if the actor organises events."""
    require(actor, "events.manage_event", event)
    return Event.objects.select_for_update().get(pk=event.pk)
