"""The directory's result cards, written as HTML without the template engine.

A search nobody made yet renders the cards its page shows that no earlier search did (directory_cache.cards):
through the template engine each cost about 0.1 ms, and loading the organisations as models with their core
capabilities prefetched cost more than the search (docs/benchmarks.md, issue 11). Here the rows are read as
values in two queries and each card is one f-string, every value escaped, in the same markup the template
wrote. The card shows public fields only, the same for every visitor.
"""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from .models import Organisation, OrganisationCapability, in_language

CAPABILITIES_SHOWN = 6
DESCRIPTION_WORDS = 30
_FIELDS = ("pk", "slug", "legal_name", "trade_name", "kind", "city", "size_band", "description_fr",
           "description_en")


def render(organisations: QuerySet) -> dict[int, SafeString]:
    """The card of each of these organisations as HTML, by id, in the active language."""
    rows = list(organisations.values(*_FIELDS))
    capabilities = _core_capabilities([row["pk"] for row in rows])
    kinds = _labels("kind")
    sizes = _labels("size_band")
    return {row["pk"]: _card(row, capabilities.get(row["pk"], []), kinds, sizes) for row in rows}


def _labels(field: str) -> dict[str, str]:
    return {value: str(label) for value, label in Organisation._meta.get_field(field).flatchoices}


def _core_capabilities(organisation_ids: list[int]) -> dict[int, list[str]]:
    """The labels of each organisation's first core capabilities, in the taxonomy's order."""
    labels: dict[int, list[str]] = {}
    rows = (OrganisationCapability.objects.filter(organisation_id__in=organisation_ids, level="core")
            .order_by("capability__position", "capability__label_fr")
            .values_list("organisation_id", "capability__label_fr", "capability__label_en"))
    for organisation_id, label_fr, label_en in rows:
        shown = labels.setdefault(organisation_id, [])
        if len(shown) < CAPABILITIES_SHOWN:
            shown.append(in_language(label_fr, label_en))
    return labels


def _card(row: dict, capabilities: list[str], kinds: dict[str, str], sizes: dict[str, str]) -> SafeString:
    url = reverse("members:organisation-detail", args=[row["slug"]])
    subtitle = escape(kinds.get(row["kind"], row["kind"]))
    if row["city"]:
        subtitle += " · " + escape(row["city"])
    if row["size_band"]:
        subtitle += " · " + escape(sizes.get(row["size_band"], row["size_band"]))
    description = Truncator(in_language(row["description_fr"], row["description_en"])).words(
        DESCRIPTION_WORDS, truncate=" …")
    badges = "".join(f'<span class="badge text-bg-light border capability-tag me-1">{escape(label)}</span>'
                     for label in capabilities)
    return mark_safe(  # noqa: S308 — every value in it is escaped above
        '<div class="col"><article class="card h-100 card-organisation"><div class="card-body">\n'
        f'    <h2 class="h5 card-title"><a href="{escape(url)}" class="stretched-link text-decoration-none">'
        f'{escape(row["trade_name"] or row["legal_name"])}</a></h2>\n'
        f'    <p class="card-subtitle text-muted small mb-2">{subtitle}</p>\n'
        f'    <p class="card-text small">{escape(description)}</p>\n'
        f'    {badges}\n'
        '  </div></article></div>\n'
    )
