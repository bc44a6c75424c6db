"""The addresses the mail server refused for good (core.BouncedAddress, flagged when mail bounces): the
communications staff correct the person's address, then clear the flag so that mail reaches it again."""

from django.db import transaction

from grappe.core import audit
from grappe.core.models import BouncedAddress
from grappe.core.permissions import require


def clear_bounce(*, actor, bounce: BouncedAddress) -> None:
    """Remove the flag: the address (corrected or checked) receives bulletins and digests again."""
    require(actor, "bulletins.manage_bulletins")
    with transaction.atomic():
        before = audit.snapshot(bounce)
        deleted, _ = BouncedAddress.objects.filter(pk=bounce.pk).delete()
        if deleted:
            audit.record(actor, "mail.bounce_cleared", bounce, before=before, target_label=bounce.email)
