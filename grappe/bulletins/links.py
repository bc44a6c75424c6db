"""The signed links a bulletin's email carries: they act without sign-in, so each is signed (django.core.signing,
with its own salt) and names exactly one person and one thing.

- unsubscribe: one topic for one person (RFC 8058: the List-Unsubscribe header's POST acts at once; the link in
  the text opens a page where one button does it — a GET never unsubscribes, mail scanners follow links);
- preferences: one person's mail preferences;
- open and click: one delivery, counted once each, shown only in aggregate.

No expiry: a months-old email must still let its reader leave.
"""

import functools

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import get_language

from grappe.core.links import absolute_url

UNSUBSCRIBE = "grappe.bulletins.unsubscribe"
PREFERENCES = "grappe.bulletins.preferences"
OPENED = "grappe.bulletins.opened"
CLICKED = "grappe.bulletins.clicked"


def sign(salt: str, value) -> str:
    """signing.dumps(value, salt=salt, compress=True), with one signer per salt: a mailing signs tens of
    thousands of links."""
    return _signer(salt, settings.SECRET_KEY).sign_object(value, compress=True)


@functools.lru_cache(maxsize=8)
def _signer(salt: str, key: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(key=key, salt=salt)


def read(salt: str, token: str):
    """The signed value, or signing.BadSignature."""
    return signing.loads(token, salt=salt)


def unsubscribe_url(person_id: int, topic: str) -> str:
    return _url("bulletins:unsubscribe", sign(UNSUBSCRIBE, [person_id, topic]))


def preferences_url(person_id: int) -> str:
    return _url("bulletins:preferences-signed", sign(PREFERENCES, person_id))


def open_url(delivery_id: int) -> str:
    return _url("bulletins:opened", sign(OPENED, delivery_id))


def click_url(delivery_id: int, url: str) -> str:
    return _url("bulletins:clicked", sign(CLICKED, [delivery_id, url]))


_TOKEN = "TOKEN"


def _url(name: str, token: str) -> str:
    """The absolute address of the page `name` for `token`. A mailing builds tens of thousands of them: the page's
    address is reversed once per language, and the token put in its place."""
    return _address(name, get_language(), settings.GRAPPE_BASE_URL).replace(_TOKEN, token)


@functools.lru_cache(maxsize=32)
def _address(name: str, language: str | None, base_url: str) -> str:
    return absolute_url(reverse(name, args=[_TOKEN]))
