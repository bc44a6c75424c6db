"""Reads of what `core` keeps: the audit log as the staff filter it."""

from django.db.models import Q, QuerySet

from .models import AuditEntry


def audit_entries(*, actor: str = "", action: str = "", target: str = "", since=None, until=None) -> QuerySet:
    """Audit entries, newest first, narrowed by the audit page's filters (each one optional): words of the
    actor's name, of the action, of the target's name or its type, and the days they fall between."""
    entries = AuditEntry.objects.all()
    if actor:
        entries = entries.filter(actor_label__icontains=actor)
    if action:
        entries = entries.filter(action__icontains=action)
    if target:
        entries = entries.filter(Q(target_label__icontains=target) | Q(target_type=target))
    if since:
        entries = entries.filter(created_at__date__gte=since)
    if until:
        entries = entries.filter(created_at__date__lte=until)
    return entries
