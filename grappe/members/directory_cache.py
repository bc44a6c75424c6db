"""The directory, rendered once and shared by every visitor who would see the same thing.

The directory page is the busiest page and the same for many visitors: building its filter form and its 24
cards took most of its 20 ms of CPU (docs/benchmarks.md). So three things are kept, each under a key that
holds the directory version — a counter bumped after every change to something a card, a filter or a
search shows (`bump_directory_version`, called by the services that make those changes, by the import, the
demo generation and the back office), so that nothing is served after a change:

- the listing (`listing`): the filter form's fields and the results (count, cards, page links) as HTML, per
  language and normalised query (`views.directory.directory_params`: the filter and page parameters only, in
  one order, so that equivalent addresses share an entry and unknown parameters cannot multiply entries);
- each organisation's card (`cards`), per language: a search nobody made yet still finds most of its cards
  ready, since the same organisations come up in many searches;
- the filter's choices (`filter_choices`), per language: the taxonomy and the certification types.

Only the public listing is cached. Everyone but staff sees the same organisations
(`selectors.directory_organisations`) through cards that show public fields only, so anonymous visitors and
members share entries; staff see every organisation and their listing is built afresh each time (from the
same cards: a card is the same whoever looks). Listings and cards are rendered without the request, so
nothing of one visitor (their name, permissions, CSRF token) can get into what another is served; the frame
around them (navigation bar, export buttons) is rendered per request.

Where things live: the version in the database (`grappe.core.cache_versions`), read before the data it names;
listings in the default cache (shared between processes when REDIS_URL is set, else each process's own);
cards and choices in the "local" cache, each process's memory, sized for every card in both languages. A
process's own cache is safe because it can only find an entry under the current version. Entries expire after
FRAGMENT_SECONDS, which bounds the memory they hold and the life of a listing whose bump was lost (a process
dying between a commit and its bump).
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache, caches
from django.http import QueryDict
from django.utils import translation

from grappe.core import cache_versions

from . import selectors

VERSION_NAME = "members.directory"
FRAGMENT_SECONDS = 10 * 60


def directory_version() -> int:
    return cache_versions.current(VERSION_NAME)


def bump_directory_version() -> None:
    """Renew every cached listing once the current transaction commits. Call it from any write that changes
    an organisation, its capabilities or certifications, the taxonomy or the certification types."""
    cache_versions.bump_on_commit(VERSION_NAME)


def listing(user, params: QueryDict, render: Callable[[], dict]) -> dict:
    """The listing `render()` makes for these parameters, from the cache when the user sees the public
    directory. `params` are all that `render` reads of the request, normalised (so that the key names exactly
    what is rendered)."""
    if selectors.sees_whole_directory(user):
        return render()
    version = directory_version()  # before the data is read: see cache_versions.bump_on_commit
    query = hashlib.sha256(params.urlencode().encode()).hexdigest()[:32]
    key = f"{VERSION_NAME}:{version}:listing:public:{translation.get_language()}:{query}"
    cached = cache.get(key)
    if cached is None:
        cached = render()
        cache.set(key, cached, FRAGMENT_SECONDS)
    return cached


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
