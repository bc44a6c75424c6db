"""Probable duplicate organisations: what says that two records (rows of a file, organisations of the directory)
may be the same organisation, for a person to decide.

A pair is probable when the two records have
- the same NEQ (business number);
- the same website domain ("www.alpha.ca/contact" and "https://alpha.ca");
- the same name once case, accents, punctuation, legal forms ("inc.", "ltée") and small words are set aside;
- names within a small edit distance of each other ("Usinage Precison" / "Usinage Précision");
- one name's words all within the other's, when it has two words or more ("Sourire mobile" /
  "Sourire Mobile Mauricie");
- the same postal code and loosely similar names.
Two records with different NEQs are different organisations: they never make a pair.

Checking every rule for every pair of 5,000 rows and 3,000 organisations in Python would take minutes. The
candidates are found first, each rule its own fast way: records sharing a NEQ, a domain or a postal code by an
index; names within a few edits by rapidfuzz's matrices (C), comparing only names of nearly the same length;
names within others by the rarest word of the shorter name. Only those candidates are then checked in full.
"""

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from .addresses import normalise_postal_code
from .text import fold

SAME_NEQ = "neq"
SAME_WEBSITE = "website"
SAME_NAME = "same_name"
SIMILAR_NAME = "similar_name"
NAME_WITHIN = "name_within"
SAME_POSTAL_CODE = "postal_code"

# Words that do not tell organisations apart: legal forms and small words, folded.
IGNORED_WORDS = frozenset("""
inc incorporee incorporated ltee limitee ltd limited corp corporation cie co senc sencrl enr llc llp lp sa sas
gmbh plc le la les l de du des d et en au aux the of and a
""".split())
# Hosts shared by many organisations: a common page there says nothing about being the same organisation.
SHARED_HOSTS = frozenset({"facebook.com", "linkedin.com", "instagram.com", "twitter.com", "x.com", "google.com",
                          "sites.google.com", "youtube.com", "wixsite.com", "wordpress.com", "blogspot.com",
                          "squarespace.com", "shopify.com", "canada411.ca", "pagesjaunes.ca", "yellowpages.ca"})
MAX_EDITS = 3  # the most edits two names may differ by (for the longest names; see _edit_budget)
LOOSE_NAME_SCORE = 80  # token sort ratio (0-100) of names that, with the same postal code, make a pair


@dataclass(frozen=True)
class Record:
    """An organisation as the comparison sees it. `key` is the caller's (a row number, an id)."""

    key: Hashable
    names: tuple[str, ...]
    neq: str = ""
    website: str = ""
    postal_code: str = ""


@dataclass(frozen=True)
class Pair:
    """Two records that may be one organisation, and why (strongest reason first)."""

    left: Hashable
    right: Hashable
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class _Prepared:
    record: Record
    names: tuple[str, ...]  # name keys: folded words without the ignored ones, joined by spaces
    neq: str
    domain: str
    postal_code: str


def name_key(name: str) -> str:
    """A name as the comparison reads it: 'Club de golf le St-Rémi inc.' -> 'club golf st remi'."""
    return " ".join(word for word in fold(name).split() if word not in IGNORED_WORDS)


def website_domain(website: str) -> str:
    """The host of a website, without 'www.', lower case; '' when it says nothing about who it is."""
    text = (website or "").strip().lower()
    if not text:
        return ""
    host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    host = host.removeprefix("www.")
    if host in SHARED_HOSTS or ".".join(host.split(".")[-2:]) in SHARED_HOSTS:
        return ""
    return host


def _prepare(record: Record) -> _Prepared:
    names = tuple(dict.fromkeys(key for key in map(name_key, record.names) if key))
    return _Prepared(record, names, (record.neq or "").strip(), website_domain(record.website),
                     normalise_postal_code(record.postal_code))


def _edit_budget(length: int) -> int:
    """How many edits a name of this length may differ by and still be 'within a small edit distance'."""
    if length < 5:
        return 0
    return 1 if length <= 15 else 2 if length <= 30 else MAX_EDITS


def _only_typos(left: str, right: str) -> bool:
    """Whether the words that differ are long words: "SIQ Industries" and "MIC Industries", or "Groupe A1" and
    "Groupe A2", are two organisations, not one name mistyped."""
    return all(len(word) > 3 and word.isalpha() for word in set(left.split()) ^ set(right.split()))


def _name_reason(a: _Prepared, b: _Prepared) -> str:
    best = ""
    for left in a.names:
        for right in b.names:
            if left == right:
                return SAME_NAME
            budget = _edit_budget(min(len(left), len(right)))
            if budget and Levenshtein.distance(left, right, score_cutoff=budget) <= budget \
                    and _only_typos(left, right):
                best = SIMILAR_NAME
            elif not best and _within(left, right):
                best = NAME_WITHIN
    return best


def _within(left: str, right: str, min_words: int = 2) -> bool:
    shorter, longer = sorted((left.split(), right.split()), key=len)
    return len(shorter) >= min_words and set(shorter) <= set(longer)


def _loosely_alike(a: _Prepared, b: _Prepared) -> bool:
    """Names alike enough for two records at one postal code: a single word within the other name will do."""
    return any(_within(left, right, min_words=1) or fuzz.token_sort_ratio(left, right) >= LOOSE_NAME_SCORE
               for left in a.names for right in b.names)


def _reasons(a: _Prepared, b: _Prepared) -> tuple[str, ...]:
    if a.neq and b.neq and a.neq != b.neq:
        return ()
    reasons = []
    if a.neq and a.neq == b.neq:
        reasons.append(SAME_NEQ)
    if a.domain and a.domain == b.domain:
        reasons.append(SAME_WEBSITE)
    if name := _name_reason(a, b):
        reasons.append(name)
    if a.postal_code and a.postal_code == b.postal_code and (name or _loosely_alike(a, b)):
        reasons.append(SAME_POSTAL_CODE)
    return tuple(reasons)


def find_duplicates(records: Iterable[Record], others: Iterable[Record] | None = None) -> list[Pair]:
    """The probable duplicates among `records` (each pair once, in the records' order), or, given `others`,
    between a record and another (left: a record, right: one of the others)."""
    items = [_prepare(r) for r in records]
    targets = items if others is None else [_prepare(r) for r in others]
    candidates = _same_keys(items, targets) | _close_names(items, targets) | _names_within(items, targets)
    if others is None:  # one list: each pair once, the earlier record on the left
        candidates = {(min(pair), max(pair)) for pair in candidates if pair[0] != pair[1]}
    pairs = []
    for left, right in sorted(candidates):
        if reasons := _reasons(items[left], targets[right]):
            pairs.append(Pair(items[left].record.key, targets[right].record.key, reasons))
    return pairs


def _same_keys(items: list[_Prepared], targets: list[_Prepared]) -> set[tuple[int, int]]:
    """The pairs that share a NEQ, a website domain or a postal code."""
    index = defaultdict(list)
    for position, target in enumerate(targets):
        for key in _keys(target):
            index[key].append(position)
    return {(position, other) for position, item in enumerate(items) for key in _keys(item)
            for other in index.get(key, ())}


def _keys(item: _Prepared) -> list[tuple[str, str]]:
    return [(kind, value) for kind, value in (("neq", item.neq), ("domain", item.domain),
                                              ("postal", item.postal_code)) if value]


def _names(items: list[_Prepared]) -> list[tuple[int, str]]:
    return [(position, name) for position, item in enumerate(items) for name in item.names]


def _close_names(items: list[_Prepared], targets: list[_Prepared]) -> set[tuple[int, int]]:
    """The pairs with the same name or names within their edit budget of each other. A name is compared only
    with names whose length is within its budget of its own (more apart is more edits than that), in matrices
    rapidfuzz computes in C; equal names are found by an index."""
    by_length, by_name = defaultdict(list), defaultdict(list)
    for position, name in _names(targets):
        by_length[len(name)].append((position, name))
        by_name[name].append(position)
    left_by_length = defaultdict(list)
    pairs = set()
    for position, name in _names(items):
        left_by_length[len(name)].append((position, name))
        pairs.update((position, other) for other in by_name.get(name, ()))
    for length, left in left_by_length.items():
        budget = _edit_budget(length)  # a pair's budget is its shorter name's: never more than this one's
        right = [entry for near in range(length - budget, length + budget + 1)
                 for entry in by_length.get(near, ())]
        if not budget or not right:
            continue
        distances = cdist([name for _p, name in left], [name for _p, name in right], scorer=Levenshtein.distance,
                          score_cutoff=budget, dtype=numpy.uint8)
        for i, j in zip(*numpy.nonzero(distances <= budget), strict=True):
            pairs.add((left[i][0], right[j][0]))
    return pairs


def _names_within(items: list[_Prepared], targets: list[_Prepared]) -> set[tuple[int, int]]:
    """The pairs where one name has all its words (two or more) in the other's. Such a name's rarest word is in
    the other name too: only the names holding that word are looked at."""
    pairs = set()
    for shorter, longer, swap in ((items, targets, False), (targets, items, True)):
        holding = defaultdict(list)
        for position, name in _names(longer):
            words = set(name.split())
            for word in words:
                holding[word].append((position, words))
        for position, name in _names(shorter):
            words = set(name.split())
            if len(words) < 2:
                continue
            rarest = min(words, key=lambda word: len(holding.get(word, ())))
            for other, other_words in holding.get(rarest, ()):
                if words <= other_words:
                    pairs.add((other, position) if swap else (position, other))
    return pairs
