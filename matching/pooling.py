"""Needs written in free text that are alike enough to be met together (one training, one group purchase).

Each text is reduced to its keywords (folded, stemmed words, French and English, matching.text), leaving out
the words that only say what kind of need it is ("formation", "achat"). Two texts are alike when at least
half of the shorter one's keywords are in the other; texts alike directly or through one another make one
group. Only texts sharing a keyword are compared, so a cluster's needs are not compared pair by pair.

Plain texts in, positions out: the partnering app groups its members' declared needs with it.
"""

from collections import Counter, defaultdict
from collections.abc import Sequence

from matching.text import Word, keys, words

# Words that say what kind of need it is (the kind already says so) and so must not make two needs alike.
_KIND_WORDS = "formation formations training cours course achat achats purchase buy equipement equipment audit besoin need"
_KIND_KEYS = frozenset(key for word in _KIND_WORDS.split() for key in keys(word))
# Two free-text needs of the same kind are alike when at least half of the shorter one's keywords are in the other.
SIMILAR_SHARE = 0.5


def _stems(word: Word) -> frozenset[str]:
    """The stems a word of a need may match by (French, English); none for a word that says nothing of
    what is needed: a stop word, a number, a word of the kind itself ("formation")."""
    if word.is_stop_word or len(word.folded) <= 2 or word.folded.isdigit():
        return frozenset()
    stems = frozenset(keys(word.folded))
    return frozenset() if stems & _KIND_KEYS or any(stem.isdigit() for stem in stems) else stems


def _keywords(text: str) -> list[frozenset[str]]:
    return [stems for word in words(text) if (stems := _stems(word))]


def _alike(first: list[frozenset[str]], second: list[frozenset[str]]) -> bool:
    shorter, longer = sorted((first, second), key=len)
    longer_stems = frozenset().union(*longer)
    shared = sum(1 for stems in shorter if stems & longer_stems)
    return shared > 0 and shared >= SIMILAR_SHARE * len(shorter)


def similar_texts(texts: Sequence[str]) -> list[list[int]]:
    """The positions of the texts linked, directly or through one another, by shared keywords (connected
    components), each group in the texts' order; a text without a keyword is in no group."""
    keywords = [_keywords(text) for text in texts]
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    holders: dict[str, list[int]] = defaultdict(list)
    for i, found in enumerate(keywords):
        for stem in frozenset().union(*found):
            holders[stem].append(i)
    compared = set()
    for positions in holders.values():  # only texts sharing a stem are compared
        for a_index, a in enumerate(positions):
            for b in positions[a_index + 1:]:
                if (a, b) not in compared:
                    compared.add((a, b))
                    if _alike(keywords[a], keywords[b]):
                        parent[root(a)] = root(b)
    components: dict[int, list[int]] = defaultdict(list)
    for i in range(len(texts)):
        if keywords[i]:
            components[root(i)].append(i)
    return list(components.values())


def shared_words(texts: Sequence[str]) -> str:
    """The words most of a group's texts use, as a short subject: 'soudage, tig'; the first text when no
    word is used twice."""
    counts = Counter()
    for text in texts:
        counts.update({word.folded for word in words(text) if _stems(word)})
    common = [word for word, n in counts.most_common(4) if n >= 2]
    return ", ".join(common) or texts[0]
