"""Reads of what `core` keeps: the audit log as the staff filter it, and its entries said in words; a user's
notifications in the reader's language."""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import audit, notify
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


@dataclass
class ReadableEntry:
    """An audit entry as the audit page shows it: the action and each changed field in the reader's words,
    values as a person writes them (Yes/No, local times)."""
    entry: AuditEntry
    action_label: str
    object_type: str
    changes: list[tuple[str, str | None, str]]


def _model(target_type: str):
    try:
        return apps.get_model(target_type) if target_type else None
    except (LookupError, ValueError):
        return None


def _field_label(model, name: str) -> str:
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return name
        # A reverse relation (an event's registrations, a survey's questions) has no verbose name of its own:
        # it is named by the rows it holds.
        label = getattr(field, "verbose_name", None) or field.related_model._meta.verbose_name_plural
        return capfirst(str(label))
    return name


def readable_value(value) -> str:
    """A stored before/after value as a reader expects it: Yes/No, local date and time, lists joined."""
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(readable_value(v) for v in value)
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and value[10:11] in (" ", "T"):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "DATETIME_FORMAT")
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    return str(value)


def readable_entries(entries) -> list[ReadableEntry]:
    """The entries of one page of the audit log, said in words in the active language."""
    rows = []
    for entry in entries:
        model = _model(entry.target_type)
        changes = [(_field_label(model, name), None if old is None else readable_value(old), readable_value(new))
                   for name, old, new in entry.changed_fields()]
        object_type = capfirst(str(model._meta.verbose_name)) if model is not None else entry.target_type
        rows.append(ReadableEntry(entry, audit.action_label(entry.action), object_type, changes))
    return rows


def notifications(user, limit: int = 100) -> list[notify.Readable]:
    """The user's own notifications, newest first, each written in the active language; an invitation that has
    lapsed since (requests closed) says so and no longer links."""
    return [notify.readable(n) for n in user.notifications.all()[:limit]]
