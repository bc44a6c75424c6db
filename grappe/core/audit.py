"""Recording the audit trail and saying it in words. Services call `record`; nothing else writes AuditEntry.
Each app registers the labels of its actions (`register_actions`, from its AppConfig.ready()), so that the
audit page reads "Event published" instead of `event.published` without core importing the apps. An app may
also register what a reader must not see yet (`register_entry_filter`): the audit page and the admin read the
entries through `visible_to`."""

import datetime
import decimal
import uuid
from collections.abc import Callable

from django.db import models
from django.db.models import Q, QuerySet

from .models import AuditEntry

_ACTION_LABELS: dict[str, object] = {}
_VALUE_READERS: dict[str, Callable[[object], str]] = {}


def register_actions(labels: dict[str, object]) -> None:
    """Declare what an app's audit actions mean: {"event.published": gettext_lazy("Event published")}."""
    _ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    """The action in the reader's language; an unregistered action shows its code."""
    label = _ACTION_LABELS.get(action)
    return str(label) if label is not None else action


_ENTRY_FILTERS: list[Callable[[object], Q | None]] = []


def register_entry_filter(hidden: Callable[[object], Q | None]) -> None:
    """Declare entries an app hides from some readers: `hidden(reader)` answers a Q of the AuditEntry rows the
    reader may not read now (or None when nothing is hidden). Registered from the app's AppConfig.ready()."""
    if hidden not in _ENTRY_FILTERS:
        _ENTRY_FILTERS.append(hidden)


def visible_to(reader, entries: QuerySet) -> QuerySet:
    """The entries the reader may read: every registered filter's hidden rows left out."""
    for hidden in _ENTRY_FILTERS:
        condition = hidden(reader)
        if condition is not None:
            entries = entries.exclude(condition)
    return entries


def register_values(readers: dict[str, Callable[[object], str]]) -> None:
    """Declare how a stored value that only its app can read is said: {"app.model.field": reader}, the reader
    taking the JSON value and returning words in the active language (an evaluation's scores by criterion)."""
    _VALUE_READERS.update(readers)


def value_reader(model, name: str) -> Callable[[object], str] | None:
    return _VALUE_READERS.get(f"{model._meta.label_lower}.{name}") if model is not None else None


def json_value(value):
    """A field's value as the audit trail stores it: dates, moments, decimals and ids as text, objects by key."""
    if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return [json_value(v) for v in value]
    return value


def snapshot(instance: models.Model, exclude: tuple[str, ...] = ()) -> dict:
    """The concrete field values of an instance, ready to be stored as JSON."""
    data = {}
    for field in instance._meta.concrete_fields:
        # An auto_now timestamp changes on every save: it says nothing the entry's own time does not.
        skipped = field.name in exclude or field.name in {"search_text", "search_vector"}
        if skipped or getattr(field, "auto_now", False):
            continue
        data[field.name] = json_value(field.value_from_object(instance))
    return data


def record(actor, action: str, target: models.Model | None = None, *, before=None, after=None,
           target_label: str = "") -> AuditEntry:
    """Append one entry. Call it inside the service's transaction so that it commits with the change."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_label=(actor.email if authenticated else "system"),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_label=(target_label or (str(target) if target is not None else ""))[:300],
        before=before,
        after=after,
    )
