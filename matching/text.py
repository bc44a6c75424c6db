"""Text as the matching engine sees it: folded words, each with the stems it may match, in French and English.

Folding (lower case, accents removed) lets "Précision" meet "precision"; Snowball stemming lets "usinage"
meet "usinages" and "studies" meet "study". A word of unknown language is stemmed both ways and keeps both
stems as keys, so one text may mix French and English ("usinage CNC 5 axes") and an English word still
meets the French label of the same root ("toxicological" -> "toxicolog" <- "toxicologiques").
"""

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from unidecode import unidecode

LANGUAGES = ("fr", "en")
_STEMMER_LANGUAGES = {"fr": "french", "en": "english"}
_this_thread = threading.local()
_FOLDED_WORD = re.compile(r"[a-z0-9]+")
# Letters and digits of any script, and the combining accents of a decomposed text (NFD "cémentés" is one word);
# unidecode folds each word afterwards ("Œuvre" -> "oeuvre").
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")

# Words that say nothing about a competency, in either language (folded). Kept short on purpose: a word
# that is frequent in a taxonomy already weighs little through its rarity weight.
_STOP_WORDS = """
a au aux avec ce ces cet cette d dans de des du elle en est et il ils l la le les leur leurs lui m
n ne nos notre nous on ou par pas pour qu que qui s sa se ses son sont sur t ta tes ton un une vos
votre vous y etre avoir afin ainsi sous entre chez vers selon lors dont tout tous toute toutes plus tres
an and are as at be been by for from has have in into is it its of on or our so such than that the
their them these they this those to was we were which while who will with within without your you under
between must should may all any each very
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
# Function words only one of the two languages has: they tell which one a text is in.
_FRENCH_ONLY = frozenset("au aux avec ce ces cette dans de des du elle est et il ils la le les leur nous ou "
                         "par pour que qui sa ses son sont sur un une vos votre vous".split())
_ENGLISH_ONLY = frozenset("and are at be by for from has have in is it its of or our that the their this to "
                          "was we were which will with".split())

# Spelled-out numbers become digits so "five-axis" meets "5-axis" and "cinq axes" meets "5 axes".
# "un"/"one" are left out: they are far more often an article or a pronoun than a count.
NUMBER_WORDS = {
    "two": "2", "deux": "2", "three": "3", "trois": "3", "four": "4", "quatre": "4", "five": "5", "cinq": "5",
    "six": "6", "seven": "7", "sept": "7", "eight": "8", "huit": "8", "nine": "9", "neuf": "9", "ten": "10",
    "dix": "10",
}


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation turned into spaces: 'Contrôle non-destructif' -> 'controle non destructif'."""
    return " ".join(_FOLDED_WORD.findall(unidecode(text or "").lower()))


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text: where it stands in the original (to show it back) and its folded form."""

    surface: str
    start: int
    end: int
    folded: str

    @property
    def is_stop_word(self) -> bool:
        return self.folded in STOP_WORDS


def words(text: str) -> list[Word]:
    """The words of a text in order, with their positions in it. 'd'usinage' gives 'd' and 'usinage'. A word's
    surface is composed (NFC), whether the text is or not; its positions are the text's own."""
    found = []
    for match in _WORD.finditer(text or ""):
        surface = unicodedata.normalize("NFC", match.group())
        for folded in _FOLDED_WORD.findall(unidecode(surface).lower()):
            found.append(Word(surface, match.start(), match.end(), folded))
    return found


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """The Snowball stem of a folded word in one language; numbers and number words as digits."""
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    if word.isdigit() or len(word) <= 2:
        return word
    stemmed = _stemmer(language).stemWord(word)
    if language == "fr" and stemmed.endswith("ag") and len(stemmed) > 5:
        # A French process noun meets its verb: "usinage" and "usiner", "soudage" and "soudé", "perçage" and
        # "percer" (Snowball leaves "usinag" and "usin").
        stemmed = stemmed[:-2]
    return stemmed


def _stemmer(language: str):
    """This thread's stemmer: a snowball stemmer keeps the word it works on in itself, so threads sharing one
    (a threaded web server) would get each other's words, and the cache above would keep the wrong stems."""
    stemmers = _this_thread.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(_STEMMER_LANGUAGES[language])
    return stemmers[language]


@lru_cache(maxsize=200_000)
def keys(word: str, language: str | None = None) -> tuple[str, ...]:
    """The stems a folded word may match by: its stem in its language, or in both when the language is unknown."""
    if language is not None:
        return (stem(word, language),)
    return tuple(dict.fromkeys(stem(word, lang) for lang in LANGUAGES))


def language_of(found: list[Word]) -> str | None:
    """"fr" or "en" when the text's function words clearly say so (twice as many of one, two at least); else None."""
    french = sum(w.folded in _FRENCH_ONLY for w in found)
    english = sum(w.folded in _ENGLISH_ONLY for w in found)
    if french >= 2 and french >= 2 * english:
        return "fr"
    if english >= 2 and english >= 2 * french:
        return "en"
    return None
