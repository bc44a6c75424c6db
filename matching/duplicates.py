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

Comparing every record with every other would take minutes for 5,000 rows against 3,000 organisations.
Records are first put in blocks by what two alike records share (a name, a distinctive word or its start or
end, a website domain, a postal code, a NEQ), and only records sharing a block are compared (rapidfuzz).
Words shared by too many names ("usinage") make no block: they would bring back the all-pairs comparison.
"""

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

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
MAX_BLOCK = 100  # records sharing a word (or its start or end) beyond this many make no block of it
CAPPED_BLOCKS = ("word", "head", "tail")
AFFIX_LENGTH = 4  # the start and the end of a longer word block the words that differ by a typo
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


def postal_code_key(postal_code: str) -> str:
    return re.sub(r"[\s-]", "", postal_code or "").upper()


def _prepare(record: Record) -> _Prepared:
    names = tuple(dict.fromkeys(key for key in map(name_key, record.names) if key))
    return _Prepared(record, names, (record.neq or "").strip(), website_domain(record.website),
                     postal_code_key(record.postal_code))


def _blocks(item: _Prepared) -> set[tuple[str, str]]:
    blocks = {("name", name) for name in item.names}
    for word in {word for name in item.names for word in name.split() if len(word) > 2}:
        blocks.add(("word", word))
        if len(word) > AFFIX_LENGTH:  # a typo in a word leaves its start or its end as it was
            blocks |= {("head", word[:AFFIX_LENGTH]), ("tail", word[-AFFIX_LENGTH:])}
    for kind, value in (("neq", item.neq), ("domain", item.domain), ("postal", item.postal_code)):
        if value:
            blocks.add((kind, value))
    return blocks


def _index(items: list[_Prepared]) -> dict[tuple[str, str], list[int]]:
    index = defaultdict(list)
    for position, item in enumerate(items):
        for block in _blocks(item):
            index[block].append(position)
    return {block: positions for block, positions in index.items()
            if block[0] not in CAPPED_BLOCKS or len(positions) <= MAX_BLOCK}


def _edit_budget(length: int) -> int:
    """How many edits a name of this length may differ by and still be 'within a small edit distance'."""
    if length < 5:
        return 0
    return 1 if length <= 10 else 2 if length <= 25 else 3


def _name_reason(a: _Prepared, b: _Prepared) -> str:
    best = ""
    for left in a.names:
        for right in b.names:
            if left == right:
                return SAME_NAME
            budget = _edit_budget(min(len(left), len(right)))
            if budget and Levenshtein.distance(left, right, score_cutoff=budget) <= budget:
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
    index = _index(targets)
    pairs = []
    for position, item in enumerate(items):
        candidates = set()
        for block in _blocks(item):
            candidates.update(index.get(block, ()))
        for candidate in sorted(candidates):
            if others is None and candidate <= position:
                continue
            if reasons := _reasons(item, targets[candidate]):
                pairs.append(Pair(item.record.key, targets[candidate].record.key, reasons))
    return pairs
