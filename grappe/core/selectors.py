"""Reads of what `core` keeps: the audit log as the staff filter it, and its entries said in words; a user's
notifications in the reader's language."""

import datetime
import decimal
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import DecimalField, Q, QuerySet
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import audit, notify
from .amounts import format_amount
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


# A decimal field with two places and room for millions holds money (CAD): shown as "40 000,00 $". Shares and
# scores (two places too, but five or seven digits) are shown as plain numbers.
MONEY_DIGITS = 10


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
        related = field.related_model._meta if field.is_relation else None
        label = getattr(field, "verbose_name", None) or (
            related.verbose_name if field.one_to_one else related.verbose_name_plural)
        return capfirst(str(label))
    return name


def _concrete_field(model, name: str):
    try:
        field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None
    return field if getattr(field, "concrete", False) else None


def _value(model, name: str, value) -> str:
    """A stored value of the field `name` of `model`: read by the app that registered a reader for it; a row of a
    related model kept whole (a decision, consortium members) said field by field; else through its field."""
    reader = audit.value_reader(model, name)
    if reader is not None and value is not None:
        return reader(value)
    related = _related_model(model, name)
    if related is not None and isinstance(value, dict):
        return "; ".join(_("%(name)s: %(value)s") % {"name": _field_label(related, key),
                                                       "value": _value(related, key, item)}
                         for key, item in value.items() if key != "id")
    if related is not None and isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return " | ".join(_value(model, name, item) for item in value)
    return readable_value(value, _concrete_field(model, name))


def _related_model(model, name: str):
    try:
        field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None
    return field.related_model if field is not None and field.is_relation else None


def readable_value(value, field=None) -> str:
    """A stored before/after value as a reader expects it: Yes/No, local date and time, lists joined; when the
    model's field is known, a choice's label, the name of the row a foreign key names (a user's name, not their
    id), an amount of money (a decimal with two places and room for millions) as the reader writes it."""
    if value is None:
        return "∅"
    if field is not None:
        known = _field_value(value, field)
        if known is not None:
            return known
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


def _field_value(value, field) -> str | None:
    """The value read through its model field, or None when the field says nothing more than the value."""
    if getattr(field, "choices", None) and not isinstance(value, (list, dict)):
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and not isinstance(value, (list, dict)):
        row = field.related_model._default_manager.filter(pk=value).first()
        return str(row) if row is not None else f"#{value}"
    if isinstance(field, DecimalField) and not isinstance(value, (list, dict)):
        try:
            number = decimal.Decimal(str(value))
        except decimal.InvalidOperation:
            return None
        if field.decimal_places == 2 and field.max_digits >= MONEY_DIGITS:
            return format_amount(number)
        return formats.number_format(number, field.decimal_places)
    return None


def readable_entries(entries) -> list[ReadableEntry]:
    """The entries of one page of the audit log, said in words in the active language."""
    rows = []
    for entry in entries:
        model = _model(entry.target_type)
        changes = []
        for name, old, new in entry.changed_fields():
            if model is not None and name == model._meta.pk.name:
                continue  # a row's number says nothing to a reader
            changes.append((_field_label(model, name), None if old is None else _value(model, name, old),
                            _value(model, name, new)))
        object_type = capfirst(str(model._meta.verbose_name)) if model is not None else entry.target_type
        rows.append(ReadableEntry(entry, audit.action_label(entry.action), object_type, changes))
    return rows


def notifications(user, limit: int = 100) -> list[notify.Readable]:
    """The user's own notifications, newest first, each written in the active language; an invitation that has
    lapsed since (requests closed) says so and no longer links."""
    return [notify.readable(n) for n in user.notifications.all()[:limit]]
