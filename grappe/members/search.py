"""Directory search: accent- and case-insensitive, in French and English, through capability synonyms.

Each organisation keeps `search_text`: the folded words of its names, descriptions and of every label and
synonym (both languages) of its capabilities and certifications. A query is folded the same way, each word
reduced to its stem, and an organisation matches when every query stem starts one of its words. So
"usinage 5 axes" finds an organisation that declared "5-axis machining" (whose French label is
"Usinage 5 axes"), and "Anodisation" finds "anodisation" or "anodising".

On PostgreSQL the match runs as full-text search with prefix queries on `search_vector`, the tsvector the
database stores beside `search_text` and indexes (migration 0003); elsewhere it falls back to `LIKE` on the
same text.
"""

import functools
import os
import threading

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Expression, Q, QuerySet

from matching.text import fold

_STEMMER_LANGUAGES = {"fr": "french", "en": "english"}
_this_thread = threading.local()
# Words that say nothing about a member; dropping them keeps "usinage de précision" from requiring "de".
STOP_WORDS = frozenset(
    "a au aux avec d de des du en et la le les l ou par pour sur un une and for in of on or the to with".split()
)


class StoredSearchVector(Expression):
    """`to_tsvector('simple', search_text)` as PostgreSQL stores it (migration 0003): not a model field,
    since the database computes it. Parsing the text again for each candidate row made broad searches slow."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name_unless_alias(compiler.query.get_initial_alias())}.search_vector", []


def _stemmer(language: str):
    """This thread's stemmer. A snowball stemmer keeps the word it works on in itself: threads sharing one
    (runserver, threaded workers) got each other's words — empty stems, hence broken queries, or IndexError."""
    stemmers = _this_thread.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(_STEMMER_LANGUAGES[language])
    return stemmers[language]


def _stem_prefix(word: str, language: str) -> str:
    """The part of a word its stem keeps. A stem may rewrite the ending ('materiaux' -> 'material'); only
    the shared beginning can be matched as a prefix of the words an organisation wrote."""
    return os.path.commonprefix([word, _stemmer(language).stemWord(word)])


def query_stems(query: str) -> list[str]:
    """The prefixes a query asks for: one per meaningful word, the shorter of its French and English stems."""
    stems = []
    for word in fold(query).split():
        if word in STOP_WORDS:
            continue
        stem = min((_stem_prefix(word, lang) for lang in ("fr", "en")), key=len) if len(word) > 3 else word
        if stem not in stems:
            stems.append(stem)
    return stems


def organisation_search_text(organisation) -> str:
    """Everything one may search an organisation by, folded. Uses prefetched relations when present."""
    parts = [organisation.legal_name, organisation.trade_name, organisation.city, organisation.get_region_display(),
             organisation.description_fr, organisation.description_en]
    words = fold(" ".join(p for p in parts if p)).split()
    for item in organisation.capabilities.all():
        capability = item.capability
        terms = capability.all_terms()
        if capability.parent is not None:
            terms += [capability.parent.label_fr, capability.parent.label_en]
        words.extend(word for term in terms for word in _folded_term(term))
    for certification in organisation.certifications.all():
        kind = certification.certification_type
        words.extend(word for term in (kind.label_fr, kind.label_en, kind.family) for word in _folded_term(term))
    return " ".join(dict.fromkeys(words))


@functools.lru_cache(maxsize=8192)
def _folded_term(term: str) -> tuple[str, ...]:
    """A taxonomy term's folded words. Thousands of organisations share the same few hundred terms, and folding
    (unidecode) was most of the time an import spent writing: each term is folded once per process."""
    return tuple(fold(term).split())


def refresh_search_text(organisation) -> None:
    """Recompute and store an organisation's search text (services call this after a change)."""
    from .models import Organisation

    organisation = (
        Organisation.objects.prefetch_related("capabilities__capability__parent", "certifications__certification_type")
        .get(pk=organisation.pk)
    )
    Organisation.objects.filter(pk=organisation.pk).update(search_text=organisation_search_text(organisation))


def search_organisations(queryset: QuerySet, query: str) -> QuerySet:
    """Filter (and, on PostgreSQL, rank) organisations by a free-text query."""
    stems = query_stems(query)
    if not stems:
        return queryset
    if connection.vendor == "postgresql":
        tsquery = SearchQuery(" & ".join(f"{s}:*" for s in stems), config="simple", search_type="raw")
        return (
            queryset.alias(search_vector=StoredSearchVector())
            .filter(search_vector=tsquery)
            .annotate(search_rank=SearchRank(StoredSearchVector(), tsquery))
            .order_by("-search_rank", "legal_name")
        )
    condition = Q()
    for stem in stems:
        # A stem must start a word: either the text starts with it or a space precedes it.
        condition &= Q(search_text__startswith=stem) | Q(search_text__contains=f" {stem}")
    return queryset.filter(condition)
