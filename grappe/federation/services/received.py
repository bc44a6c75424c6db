"""What a partner cluster's shared items do when they reach our inbox: `Create` and `Update` keep the item's
latest version (`RemoteItem`, one per partner and object id), `Delete` hides it (withdrawn).

The handlers run inside the inbox's transaction, after the activity was stored once (`services.inbox`). What
arrives is another instance's word, so the object is checked before anything is kept: a known kind, a name,
an id on the sender's own address (a partner speaks for its items only), bounded sizes, and every text
stripped of HTML (nh3) so that nothing the sender typed can become markup on our pages. A refused object
raises `ValidationError` (nothing is kept). An `Update` older than the version we hold is ignored: activities
may arrive out of order, or twice.
"""

import datetime
import html
import json
from urllib.parse import urlsplit

import nh3
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..models import ItemKind, Partner, RemoteItem
from . import inbox

MAX_NAME = 300
MAX_SUMMARY = 1000
MAX_TEXT = 20_000          # any one text of the object (a description)
MAX_LIST = 200             # any one list (capabilities, sessions)
MAX_DEPTH = 4              # objects within objects
MAX_OBJECT_BYTES = 128_000  # the whole object, as JSON in UTF-8


def on_create(partner: Partner, activity: dict) -> None:
    _keep(partner, activity)


def on_update(partner: Partner, activity: dict) -> None:
    _keep(partner, activity)


def on_delete(partner: Partner, activity: dict) -> None:
    """The item is withdrawn at the origin: hidden here. An item we never had leaves nothing to hide."""
    obj = activity.get("object")
    object_id = obj.get("id") if isinstance(obj, dict) else obj
    _check_id(partner, object_id)
    item = RemoteItem.objects.select_for_update().filter(partner=partner, object_url=object_id).first()
    if item is None:
        return
    deleted = _moment(obj.get("deleted") if isinstance(obj, dict) else None) or timezone.now()
    if item.updated_at is not None and deleted < item.updated_at:
        return  # withdrawn before the version we hold was shared again
    item.withdrawn_at = timezone.now()
    item.updated_at = deleted
    item.save(update_fields=["withdrawn_at", "updated_at", "received_at"])


def _keep(partner: Partner, activity: dict) -> RemoteItem | None:
    """Create or update the item from the activity's object; None when the object is older than ours."""
    data = clean_object(partner, activity.get("object"))
    updated = _moment(data.get("updated")) or _moment(data.get("published")) or timezone.now()
    item = RemoteItem.objects.select_for_update().filter(partner=partner, object_url=data["id"]).first()
    if item is not None and item.updated_at is not None and updated < item.updated_at:
        return None
    item = item or RemoteItem(partner=partner, object_url=data["id"])
    item.kind = data["grappe:kind"]
    item.title = data["name"]
    item.summary = _text(data.get("summary")) or _text(data.get("content"))[:MAX_SUMMARY]
    item.organisation_name = _text(data.get("attributedTo"))[:300]
    item.data = data
    item.published_at = _moment(data.get("published")) or item.published_at or updated
    item.updated_at = updated
    item.withdrawn_at = None  # shared (again) at the origin
    item.save()
    return item


def clean_object(partner: Partner, obj) -> dict:
    """The object as we keep it: checked, and every text as plain text. ValidationError when it may not be kept."""
    if not isinstance(obj, dict):
        raise ValidationError("The object is not a JSON object.", code="bad_object")
    if len(json.dumps(obj, ensure_ascii=False).encode()) > MAX_OBJECT_BYTES:
        raise ValidationError("The object is too large.", code="too_large")
    _check_id(partner, obj.get("id"))
    if obj.get("grappe:kind") not in ItemKind.values:
        raise ValidationError("Unknown kind of item.", code="unknown_kind")
    data = _plain(obj, depth=0)
    data.pop("@context", None)
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        raise ValidationError("The item has no name.", code="no_name")
    if len(data["name"]) > MAX_NAME:
        raise ValidationError("The item's name is too long.", code="too_long")
    if isinstance(data.get("summary"), str):
        data["summary"] = data["summary"][:MAX_SUMMARY]
    data["id"] = obj["id"]
    if urlsplit(_text(data.get("url"))).scheme not in ("http", "https"):
        data.pop("url", None)  # a link we show goes to a web page, never to a script
    return data


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _check_id(partner: Partner, object_id) -> None:
    """An id on the partner's own address: a partner speaks for its own items only."""
    if not isinstance(object_id, str) or len(object_id) > 500:
        raise ValidationError("The object has no valid id.", code="bad_id")
    ours, theirs = urlsplit(object_id), urlsplit(partner.actor_url)
    if ours.scheme not in ("http", "https") or (ours.scheme, ours.netloc) != (theirs.scheme, theirs.netloc):
        raise ValidationError("The object's id is not on the sender's address.", code="foreign_id")


def _plain(value, depth: int):
    """Texts stripped of HTML, lists and objects bounded; anything else than JSON's plain values refused."""
    if depth > MAX_DEPTH:
        raise ValidationError("The object is nested too deeply.", code="too_deep")
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise ValidationError("A text of the object is too long.", code="too_long")
        return html.unescape(nh3.clean(value, tags=set(), clean_content_tags={"script", "style"})).strip()
    if isinstance(value, list):
        if len(value) > MAX_LIST:
            raise ValidationError("A list of the object is too long.", code="too_long")
        return [_plain(v, depth + 1) for v in value]
    if isinstance(value, dict):
        if len(value) > MAX_LIST:
            raise ValidationError("The object has too many fields.", code="too_long")
        return {str(k)[:100]: _plain(v, depth + 1) for k, v in value.items()}
    return value


def _moment(value) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


def register() -> None:
    """Hand the inbox our handlers (called once, from `apps.ready`)."""
    inbox.register("Create", on_create)
    inbox.register("Update", on_update)
    inbox.register("Delete", on_delete)
