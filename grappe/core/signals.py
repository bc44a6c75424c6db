"""What core tells the apps above it, which it never imports: they connect from their AppConfig.ready()."""

from django.dispatch import Signal

# A message of the outbox is given up (refused for good, or MAX_ATTEMPTS tries failed): sent with `message`, the
# OutgoingMail, inside the transaction that marks it failed (grappe.core.outbox).
mail_failed = Signal()
