"""The materials and certifications a text names: not competencies, but what a buyer asks of a partner.

"Titanium landing gear brackets" needs a partner who machines titanium; "AS9100 required" is a required
certification, not a need for quality-system consulting. They are read here, apart from inference, so that
partnering can prefer partners whose evidence mentions the material and require the certification.
Codes of certifications are those of Grappe's certification types (nadcap: any of its commodities).
"""

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from .text import fold

# code: folded ways of writing it, each a whole-word pattern over folded text.
MATERIALS = {
    "titanium": ["titanium", "titane", "ti 6al 4v", "ti6al4v", "ta6v"],
    "inconel": ["inconel"],
    "nickel-superalloy": ["nickel superalloys?", "superalliages? de nickel", "nickel based", "superalliages?",
                          "superalloys?", "waspaloy", "hastelloy"],
    "aluminium-lithium": ["aluminium lithium", "aluminum lithium", "al li"],
    "aluminium": ["aluminium", "aluminum"],
    "carbon-fibre": ["carbon fibre", "carbon fiber", "fibres? de carbone", "cfrp"],
    "stainless-steel": ["stainless steel", "acier inoxydable", "inox"],
    "steel": ["steel", "acier"],
    "invar": ["invar"],
    "magnesium": ["magnesium"],
}
CERTIFICATION_NAMES = {
    "as9100": ["as9100", "as 9100", "en9100", "en 9100"],
    "as9110": ["as9110", "as 9110"],
    "as9120": ["as9120", "as 9120"],
    "nadcap": ["nadcap"],
    "cgp": ["cgp", "pmc", "controlled goods", "marchandises controlees"],
    "itar": ["itar"],
    "cmmc": ["cmmc"],
    "iso-9001": ["iso 9001"],
    "iso-14001": ["iso 14001"],
    "iso-27001": ["iso 27001", "iso iec 27001"],
    "easa-145": ["easa part 145", "aesa partie 145"],
    "faa-145": ["faa part 145", "faa partie 145"],
}
# One-word certification names (folded): never a competency on their own (matching.inference).
CERTIFICATIONS = frozenset(name for names in CERTIFICATION_NAMES.values() for name in names if " " not in name)


@dataclass(frozen=True, slots=True)
class Found:
    code: str
    words: str      # as folded in the text


def _patterns(table: dict[str, list[str]]) -> list[tuple[str, re.Pattern]]:
    return [(code, re.compile(r"\b(" + "|".join(names) + r")\b")) for code, names in table.items()]


_MATERIALS, _CERTIFICATIONS = _patterns(MATERIALS), _patterns(CERTIFICATION_NAMES)


def _found(patterns: list[tuple[str, re.Pattern]], text: str) -> list[Found]:
    """Each code once, in order of first appearance; a longer name hides the shorter one inside it
    ("stainless steel" is not also "steel", "aluminium-lithium" not also "aluminium")."""
    folded = fold(text)
    hits, taken = [], []
    matches = sorted(((m.start(), -len(m.group()), code, m) for code, pattern in patterns
                      for m in pattern.finditer(folded)))
    for start, _, code, match in matches:
        if any(a <= start and match.end() <= b for a, b in taken):
            continue
        taken.append((start, match.end()))
        if code not in {h.code for _, h in hits}:
            hits.append((start, Found(code, match.group())))
    return [found for _, found in sorted(hits, key=lambda pair: pair[0])]


# A cheap first look at texts as written (lower case; accents and punctuation kept): a text in which none of
# these appears names no material, and reading it (folding: ~35 µs a text, then ten patterns) is skipped.
# Every name of MATERIALS as people write it contains one of them (matching/tests/test_mentions.py).
_MATERIAL_STEMS = ("tita", "6al", "ta6v", "inconel", "nickel", "superal", "waspaloy", "hastelloy", "alumin",
                   "al-li", "al li", "al–li", "al/li", "carbon", "cfrp", "inox", "stainless", "steel", "acier",
                   "invar", "magn")


def may_name_materials(texts: Sequence[str]) -> list[int]:
    """The positions of the texts that may name a material; the others surely name none. One search per
    stem over all the texts joined (str.find runs in C): some 20 µs for an organisation's twenty evidences."""
    joined = "\n".join(texts).lower()
    starts = list(accumulate((len(text) + 1 for text in texts[:-1]), initial=0))
    found = set()
    for stem in _MATERIAL_STEMS:
        at = joined.find(stem)
        while at != -1:
            found.add(bisect_right(starts, at) - 1)
            at = joined.find(stem, at + 1)
    return sorted(found)


def materials(text: str) -> list[Found]:
    """The materials a text names: titanium, Inconel, carbon fibre, aluminium-lithium…"""
    return _found(_MATERIALS, text)


def certifications(text: str) -> list[Found]:
    """The certifications a text names, as Grappe's certification codes: AS9100, Nadcap, CGP, ITAR…"""
    return _found(_CERTIFICATIONS, text)
