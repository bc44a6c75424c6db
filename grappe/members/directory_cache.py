"""The directory, rendered once and shared by every visitor who would see the same thing.

The directory page is the busiest page and the same for many visitors: building its filter form and its 24
cards took most of its 20 ms of CPU (docs/benchmarks.md). So these are kept, each under a key that
holds the directory version — a counter bumped after every change to something a card, a filter or a
search shows (`bump_directory_version`, called by the services that make those changes, by the import, the
demo generation and the back office), so that nothing is served after a change:

- the listing (`listing`): the filter form's fields and the results (count, cards, page links) as HTML, per
  language and normalised query (`views.directory.directory_params`: the filter and page parameters only, in
  one order, so that equivalent addresses share an entry and unknown parameters cannot multiply entries);
- each organisation's card (`cards`), per language: a search nobody made yet still finds most of its cards
  ready, since the same organisations come up in many searches;
- the filter's choices (`filter_choices`), per language: the taxonomy and the certification types, and
  the <option>s of its two long lists (`filter_options`);
- each organisation's profile (`organisation_profile`), per language: the part of its page that is the same
  for everyone who may see it (description, capabilities by domain). The buttons of those who may edit are
  rendered per request;
- each organisation's member details (`member_details`), per language and day: its address, its consenting
  contacts and its certifications (the day: a certification expires). They are confidential, so they are kept
  for the one kind of viewer every member is — another organisation's member, who sees consenting contacts and
  cannot edit — and rendered per request for the organisation's own people and the staff. Their key also holds
  the **people version** (`bump_people_version`), bumped by every write to a person (an edit, a withdrawn
  consent, an import and its undoing): a contact who withdraws consent is gone from the next page.

Only the public listing is cached. Everyone but staff sees the same organisations
(`selectors.directory_organisations`) through cards that show public fields only, so anonymous visitors and
members share entries; staff see every organisation and their listing is built afresh each time (from the
same cards: a card is the same whoever looks). Listings and cards are rendered without the request, so
nothing of one visitor (their name, permissions, CSRF token) can get into what another is served; the frame
around them (navigation bar, export buttons) is rendered per request.

Where things live: the version in the database (`grappe.core.cache_versions`), read before the data it names;
listings in the default cache (shared between processes when REDIS_URL is set, else each process's own);
cards, profiles and choices in the "local" cache, each process's memory, sized for every card and profile in
both languages. A
process's own cache is safe because it can only find an entry under the current version. Entries expire after
FRAGMENT_SECONDS, which bounds the memory they hold and the life of a listing whose bump was lost (a process
dying between a commit and its bump).
"""

import hashlib
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache, caches
from django.http import QueryDict
from django.utils import timezone, translation

from grappe.core import cache_versions
from grappe.core.forms import QuickSelect

from . import selectors

VERSION_NAME = "members.directory"
PEOPLE_VERSION_NAME = "members.people"
FRAGMENT_SECONDS = 10 * 60
# The version a listing being rendered was read at: its cards and filter choices are kept under the same one,
# read once (one query) rather than once each.
_listing_version: ContextVar[int | None] = ContextVar("listing_version", default=None)
_people_version: ContextVar[int | None] = ContextVar("people_version", default=None)


def directory_version() -> int:
    pinned = _listing_version.get()
    return cache_versions.current(VERSION_NAME) if pinned is None else pinned


def bump_directory_version() -> None:
    """Renew every cached listing once the current transaction commits. Call it from any write that changes
    an organisation, its capabilities or certifications, the taxonomy or the certification types."""
    cache_versions.bump_on_commit(VERSION_NAME)


def bump_people_version() -> None:
    """Renew every organisation's cached member details once the current transaction commits. Call it from
    any write to a person (what contacts show, who consents, who is active)."""
    cache_versions.bump_on_commit(PEOPLE_VERSION_NAME)


def listing(user, params: QueryDict, render: Callable[[], dict]) -> dict:
    """The listing `render()` makes for these parameters, from the cache when the user sees the public
    directory. `params` are all that `render` reads of the request, normalised (so that the key names exactly
    what is rendered)."""
    version = directory_version()  # before the data is read: see cache_versions.bump_on_commit
    if selectors.sees_whole_directory(user):
        return _rendered_at(version, render)
    query = hashlib.sha256(params.urlencode().encode()).hexdigest()[:32]
    key = f"{VERSION_NAME}:{version}:listing:public:{translation.get_language()}:{query}"
    cached = cache.get(key)
    if cached is None:
        cached = _rendered_at(version, render)
        cache.set(key, cached, FRAGMENT_SECONDS)
    return cached


def _rendered_at(version: int, render: Callable[[], dict]) -> dict:
    with pinned_version(version):
        return render()


@contextmanager
def pinned_version(version: int | None = None):
    """Within this block, every fragment is kept under the one version read at its start (one query), before
    the data the block reads. Without `version`, the people version is read in the same query."""
    people = None
    if version is None:
        versions = cache_versions.current_many([VERSION_NAME, PEOPLE_VERSION_NAME])
        version, people = versions[VERSION_NAME], versions[PEOPLE_VERSION_NAME]
    token = _listing_version.set(version)
    people_token = _people_version.set(people)
    try:
        yield
    finally:
        _listing_version.reset(token)
        _people_version.reset(people_token)


def cards(organisation_ids: list[int], render: Callable[[list[int]], dict[int, str]]) -> list[str]:
    """The cards of these organisations, in this order; `render(ids)` makes the missing ones ({id: html}).
    One that `render` no longer finds (unlisted since its id was read) is left out."""
    prefix = f"{VERSION_NAME}:{directory_version()}:card:{translation.get_language()}"
    keys = {pk: f"{prefix}:{pk}" for pk in organisation_ids}
    found = caches["local"].get_many(keys.values())
    missing = [pk for pk in organisation_ids if keys[pk] not in found]
    if missing:
        rendered = {keys[pk]: html for pk, html in render(missing).items()}
        caches["local"].set_many(rendered, FRAGMENT_SECONDS)
        found.update(rendered)
    return [found[keys[pk]] for pk in organisation_ids if keys[pk] in found]


def filter_choices() -> dict[str, list[tuple[int, str]]]:
    """The directory filter's capabilities and certification types, as `selectors` lists them."""
    key = f"{VERSION_NAME}:{directory_version()}:choices:{translation.get_language()}"
    choices = caches["local"].get(key)
    if choices is None:
        choices = {"capability": selectors.capability_choices(),
                   "certification": selectors.certification_choices()}
        caches["local"].set(key, choices, FRAGMENT_SECONDS)
    return choices


def filter_options(empty_labels: dict[str, str]) -> dict[str, str]:
    """The directory filter's capability and certification <option>s as HTML, the empty choice first (its label
    in `empty_labels`), none selected (core.forms.PreparedSelect)."""
    key = f"{VERSION_NAME}:{directory_version()}:options:{translation.get_language()}"
    options = caches["local"].get(key)
    if options is None:
        choices = filter_choices()
        options = {name: QuickSelect.options_html([("", label), *choices[name]])
                   for name, label in empty_labels.items()}
        caches["local"].set(key, options, FRAGMENT_SECONDS)
    return options


def organisation_profile(organisation, render: Callable[[], str]) -> str:
    """What an organisation's page shows everyone — its description and capabilities by domain — as HTML
    `render()` makes, per language. Nothing confidential (contacts, certifications) and nothing of the visitor
    is in it. Read the organisation inside `pinned_version()`, so that its version is read before it."""
    key = f"{VERSION_NAME}:{directory_version()}:profile:{translation.get_language()}:{organisation.pk}"
    html = caches["local"].get(key)
    if html is None:
        html = render()
        caches["local"].set(key, html, FRAGMENT_SECONDS)
    return html


def member_details(organisation, render: Callable[[], dict[str, str]]) -> dict[str, str]:
    """What another organisation's member sees of this organisation beyond its profile (address, consenting
    contacts, certifications), as the HTML parts `render()` makes, per language and day. Only for that kind of
    viewer: never for one who sees more (the organisation's own people, staff). Read the organisation inside
    `pinned_version()`, so that both versions are read before it."""
    people = _people_version.get()
    if people is None:
        people = cache_versions.current(PEOPLE_VERSION_NAME)
    key = (f"{VERSION_NAME}:{directory_version()}:{people}:details:{translation.get_language()}:"
           f"{timezone.localdate().isoformat()}:{organisation.pk}")
    parts = caches["local"].get(key)
    if parts is None:
        parts = render()
        caches["local"].set(key, parts, FRAGMENT_SECONDS)
    return parts
