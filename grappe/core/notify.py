"""Notifications: services decide who hears about a change; delivery happens after the commit.

A notification stores what happened, not a sentence: a kind ("events.agenda_published") and its params (ids and
plain values: names, ISO dates, lists of names). Each app registers its kinds (`register_kinds`, from its
AppConfig.ready()) with the function that writes the sentence in the active language, so that a notification
reads in the reader's language when it is read, and in the recipient's when a service mails the same sentence
under `translation.override`."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.urls import translate_url
from django.utils import translation
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from .models import Notification


@dataclass(frozen=True)
class Kind:
    """What a kind of notification says (`text(params)`), and, for an invitation to act that may lapse, why it
    no longer holds (`lapsed(params)`: a note in the active language, or "" while it still holds)."""

    text: Callable[[dict], str]
    lapsed: Callable[[dict], str] | None = None


@dataclass(frozen=True)
class Readable:
    """A notification as its reader sees it: the sentence in the active language, and whether it still holds."""

    notification: Notification
    text: str
    lapsed: str = ""

    @property
    def url(self) -> str:
        """The link in the reader's language (/fr/… or /en/…), whichever language it was written in; none once
        the invitation lapsed."""
        return "" if self.lapsed else page_in_language(self.notification.url, translation.get_language())


_KINDS: dict[str, Kind] = {}


def register_kinds(kinds: dict[str, Kind]) -> None:
    """Declare what an app's notifications say: {"events.agenda_published": Kind(text=lambda p: …)}."""
    _KINDS.update(kinds)


def on_commit(function, *args, **kwargs) -> None:
    """Run `function` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: function(*args, **kwargs))


def send(users, kind: str, params: dict | None = None, url: str = "") -> None:
    """Tell each user that `kind` happened; the sentence is written when the notification is read."""
    if kind not in _KINDS:
        raise ValueError(f"unregistered notification kind {kind!r}")
    params = params or {}
    Notification.objects.bulk_create([Notification(user=u, kind=kind, params=params, url=url) for u in users])


def text(kind: str, params: dict) -> str:
    """The sentence of a notification in the active language."""
    return _KINDS[kind].text(params)


def readable(notification: Notification) -> Readable:
    """The notification in the active language, with the note that says it no longer holds, if it lapsed."""
    kind = _KINDS.get(notification.kind)
    if kind is None:  # a kind its app no longer registers: say so rather than fail the page
        return Readable(notification, _("A notice that can no longer be shown."))
    lapsed = kind.lapsed(notification.params) if kind.lapsed else ""
    return Readable(notification, kind.text(notification.params), lapsed)


def page_in_language(url: str, language: str) -> str:
    """The same page in `language`: /en/events/1/ reads /fr/events/1/ in French (translate_url resolves a path
    in the active language only, so it is resolved in the language it was written in)."""
    written_in = translation.get_language_from_path(url)
    if not written_in or written_in == language:
        return url
    with translation.override(written_in):
        return translate_url(url, language)


def quoted_list(names) -> str:
    """Names one by one, each in quotes, as a sentence lists them: “a”, “b, c” and “d” (a comma inside a name
    stays inside its quotes)."""
    return get_text_list([_("“%(name)s”") % {"name": name} for name in names], _("and"))

