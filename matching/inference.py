"""Which competencies a free text needs: their names found in it, rare words weighing more.

The index is built once from competencies. Each name of a competency (label or synonym, French or English)
is a phrase of stems. A text scores a phrase by
- the rarity (inverse document frequency over the taxonomy) of the phrase's stems it contains, a stem
  repeated in the text weighing a little more;
- a bonus for each pair of stems it contains side by side as in the phrase, so "usinage 5 axes" outweighs
  "usinage" and "axes" found apart;
- times the share of the phrase it covers, squared, so "usinage 5 axes" does not infer "Usinage de grandes
  structures".
A competency takes the score of its best phrase; its triggers are the words of the text that phrase matched.

With an optional sentence encoder (matching.embeddings), the score adds the similarity of the whole text to
the competency's names: it ranks better what is said in other words, but it never infers a competency on
its own when a threshold applies (every inferred competency must show the words that triggered it).

Lexical scoring is sparse matrix algebra over the phrases: one text costs a few column sums, whatever the
size of the taxonomy.

The first 60 candidates of that score (with an encoder, plus the encoder's own best 30) are then re-ranked by
matching.rerank: a dozen generic signals (preferred label found, words found early, a verb-led description
for a verb-led label…) combined by weights learned once on ESCO's dev descriptions. Which competencies are
eligible stays decided by the threshold above; only their order, and their score (relative to the best), change.
"""

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from scipy import sparse

from .rerank import DEPTH, SEMANTIC_DEPTH, Reranker, load_weights
from .mentions import CERTIFICATIONS
from .taxonomy import Competency
from .text import LANGUAGES, Word, fold, keys, language_of, words

# Punctuation that ends a clause: with a threshold, a name must be found within one clause.
_CLAUSE_BREAK = re.compile(r"[.,;:!?()\[\]\n]")
# ... unless it stands alone between two words: "Industry 4.0", "3,5 mm".
_WITHIN_A_WORD = frozenset({".", ","})
# Words that join two noun groups: "traitement de surface et contrôle" is no "surface control". A name that
# itself holds one ("Roues et freins") may still be found across it.
CONJUNCTIONS = frozenset("et ou puis ni mais and or nor then but".split())
# Words that negate the rest of a name: "hors autoclave" is the opposite of "en autoclave".
NEGATIONS = frozenset("hors non sans out".split())
# Verbs that join a subject to what is said of it: no noun group goes on across them ("the aircraft shall be
# performed" names no aircraft performance).
AUXILIARIES = frozenset("be is are was were been being shall will must est sont etre sera seront doit doivent".split())
# Prepositions that introduce what a process works on: "anodisation de pièces", "inspection of wheels".
OBJECT_PREPOSITIONS = frozenset("de des du d of for pour".split())
OF = frozenset("de des du d of".split())
# Who or what is sought: "un partenaire composites pour la cuisson en autoclave" asks for autoclave curing,
# "flight testing support for an STC" for the STC.
PARTNER_WORDS = frozenset("""partenaire partenaires partner partners fournisseur fournisseurs supplier suppliers
subcontractor subcontractors atelier shop laboratoire laboratory entreprise company support soutien aide help
service services capacite capacity""".split())
# ... with articles, the only function words between a process and its object ("avec", "and" start a need).
_OBJECT_LINKS = OBJECT_PREPOSITIONS | frozenset("l la le les un une a an the".split())
# Content words that may stand between a process and its object: "de supports de train d'atterrissage".
MAX_OBJECT_GAP = 2
# Verbs of asking, as a subject would do it ("L'atelier cherche", "the shop requires"): what comes before them
# in their clause says who asks. "need(s)" is left out: "the landing gear needs an overhaul".
_ASKING_VERB = re.compile(r"(re)?cherch(e|ent|ons)|souhait(e|ent|ons)|veut|veulent|voulons|seeks?|seeking"
                          r"|requires?|wants?|wishes|looking")
# Words that open a relative clause: what comes before them is asked for, even before a verb of asking ("parts
# that the customer requires", "ferrures que le client souhaite", "inspection of castings which requires Nadcap").
RELATIVE_WORDS = frozenset("that which whom whose que qui dont lequel laquelle lesquels lesquelles auquel".split())
# Words that open a new subject after a conjunction: "Seeking NDT services and the supplier requires Nadcap"
# (the supplier asks, not who seeks NDT). "We make seats and are looking for..." keeps its subject.
SUBJECT_OPENERS = frozenset("the a an this these those its their le la les l un une des ce cet cette ces leur leurs"
                            " son sa ses".split())
POSSESSIVES = frozenset("its our their notre nos leur leurs son sa ses".split())
# "Recherche d'un fournisseur": asking for a partner, not research.
_ASKING_NOUN = re.compile(r"(?i)recherche\s+d['’]\s*une?\b")
# Words that place a mention before or after the work asked: "après rectification", "after grinding", "prior to
# heat treatment" ("prior" only with "to": "prior NDT experience" is experience in NDT).
SEQUENCE_WORDS = frozenset("apres avant after before prior".split())
# Words of making or maintaining, folded, with their inflections: what they work on is the need (the product's
# know-how), not a mere object. Whole words: a stem would make "machine" (CMM) or "product" (data) a maker.
MAKING_WORDS = frozenset("""
fabrication fabrications fabriquer manufacture manufactures manufacturing production productions produire
assemblage assemblages assembler assembly assemblies reparation reparations reparer repair repairs revision
revisions reviser overhaul overhauls entretien maintenance maintain fonderie fonderies casting castings forge
forges forgeage forging forgings usinage usinages usiner machining
""".split())
# A word of the text meets a name's word by stem when it has fewer than this many letters more or fewer
# (or exactly this many fewer, for a participle: "cémentés", "cémentation"): inflections ("usinés", "usinage"),
# not derivations Snowball merges ("instruments", "instrumentation"; "avions", "avionique").
MAX_LENGTH_GAP = 3
# Content words a name's words may stand apart by, in one noun group: "usinage de grands longerons".
MAX_GAP = 1
# Verbs of asking and offering, in the forms a post uses: they never name a competency on their own
# ("Partenaire recherché" is no research; "we support" no support).
COMMON_VERBS = frozenset("""
recherché recherchée recherchés recherchées recherchons rechercher cherché cherchons chercher offrons
offrir fournir fournissons besoin voulons vouloir souhaitons proposer proposons soumissionner
seek seeking sought look looking need needs needed require required requires want wanted offer offers
provide provides provided supply support supports bid propose deliver subcontract subcontracting traitance
""".split())


@dataclass(frozen=True, slots=True)
class Inferred:
    """A competency a text needs. `domain`: a whole domain named as such ("contrôle non destructif"), a need
    any of its capabilities can cover."""

    code: str
    score: float
    triggers: list[str]
    domain: bool = False


@dataclass(frozen=True, slots=True)
class Tuning:
    """How the parts of the score combine. Set by hand on the shipped taxonomy and ESCO's dev split."""

    coverage_power: float = 2.0     # how hard a phrase is penalised for the part of it the text lacks
    pair_weight: float = 1.0        # bonus per side-by-side pair found, as a share of the pair's rarity
    min_coverage: float = 0.6       # default threshold: the share of a name a clause must contain


@dataclass(frozen=True, slots=True)
class _Stage:
    """A text's first-stage scores, per phrase or per competency."""

    phrase_scores: np.ndarray       # per phrase
    lexical: np.ndarray             # per competency: its best phrase's score
    coverage: np.ndarray            # per phrase: the share of it found
    scores: np.ndarray              # per competency: lexical (best = 1) plus the encoder's similarity
    eligible: np.ndarray            # per competency: may be inferred
    semantic: np.ndarray | None     # per competency, with an encoder: similarity rescaled (median 0, best 1)
    similarity: np.ndarray | None   # ... and as it is


@dataclass(frozen=True, slots=True)
class _Reading:
    """A text as the index reads it."""

    content: list[Word]             # the words that are not stop words
    key_ids: list[list[int]]        # per content word, the ids of its stems known to the index
    clauses: list[int]              # per content word, the clause it belongs to
    groups: list[int]               # per content word, its noun group: clauses cut again at conjunctions
    alone: list[bool]               # per content word, may name a competency on its own (see _may_stand_alone)
    language: str | None            # "fr" or "en" when the text's function words say so
    text: str = ""                  # the text itself

    @property
    def known(self) -> bool:
        return any(self.key_ids)


class CompetencyIndex:
    """Built once from a taxonomy's competencies; `infer(text)` answers in a few milliseconds.

    `encoder` (optional) is a sentence encoder from matching.embeddings; the names' embeddings are computed
    once (and cached on disk by the encoder) when the index is built.
    """

    def __init__(self, competencies: Sequence[Competency], tuning: Tuning = Tuning(), encoder=None,
                 rerank: bool = True):
        self.competencies = list(competencies)
        self.tuning = tuning
        self._key_ids: dict[str, int] = {}
        self._pair_ids: dict[tuple[int, int], int] = {}
        self._phrase_keys, owner = self._phrases()
        self._owner = np.asarray(owner, dtype=np.int64)
        # Phrases of one competency are contiguous: a competency's score is a max over its slice.
        self._starts = np.flatnonzero(np.r_[True, self._owner[1:] != self._owner[:-1]]) if owner else np.zeros(0, int)
        self._owners = self._owner[self._starts]
        positions = np.arange(len(self.competencies))
        self._phrase_start = np.searchsorted(self._owner, positions)
        self._phrase_end = np.searchsorted(self._owner, positions, side="right")
        self.idf = self._rarity()
        self._singles = self._phrase_matrix([sorted(set(k)) for k in self._phrase_keys], self.idf, len(self.idf))
        self._phrase_weight = np.asarray(self._singles.sum(axis=1)).ravel()
        pairs = [sorted({self._pair_ids.setdefault((a, b), len(self._pair_ids)) for a, b in pairwise(k) if a != b})
                 for k in self._phrase_keys]
        pair_rarity = np.array([self.idf[a] + self.idf[b] for a, b in self._pair_ids]) * tuning.pair_weight
        self._pairs = self._phrase_matrix(pairs, pair_rarity, len(self._pair_ids))
        self._children: dict[str, set[str]] = {}
        for competency in self.competencies:
            if competency.parent:
                self._children.setdefault(competency.parent, set()).add(competency.code)
        self._making = self._makers()
        self.encoder = encoder
        self._name_vectors, self._name_owner = self._embed_names() if encoder is not None else (None, None)
        weights = load_weights().get("lexical" if encoder is None else encoder.name) if rerank else None
        self.reranker = Reranker(self, weights)

    # -- building ---------------------------------------------------------------------------------------------

    def _phrases(self) -> tuple[list[list[int]], list[int]]:
        """Each name of each competency as the ids of its stems, and the position of the competency it names.

        Also, per name: its language (None when the competency has it in both: "composites", "HVOF"),
        whether it is an acronym, and whether it joins words by a conjunction ("Roues et freins")."""
        phrase_keys, owner = [], []
        self._phrase_language, self._phrase_acronym, self._phrase_conjoined = [], [], []
        self._phrase_words: list[dict[int, int]] = []  # per name, its stems' word lengths
        self._phrase_stemmer: list[str] = []  # per name, the language it was stemmed in
        self._phrase_negation: list[set[int]] = []  # per name, the stems of its words of negation
        for position, competency in enumerate(self.competencies):
            terms = list(competency.terms())
            by_language = {lang: {fold(t) for t, language in terms if language == lang} for lang in LANGUAGES}
            for text, language in terms:
                named = words(text)
                content = [w for w in named if not w.is_stop_word]
                stems = [self._key_ids.setdefault(keys(w.folded, language)[0], len(self._key_ids)) for w in content]
                if stems:
                    self._phrase_words.append({k: len(w.folded) for k, w in zip(stems, content)})
                    self._phrase_stemmer.append(language)
                    self._phrase_negation.append({k for k, w in zip(stems, content) if w.folded in NEGATIONS})
                    phrase_keys.append(stems)
                    owner.append(position)
                    both = all(fold(text) in names for names in by_language.values())
                    self._phrase_language.append(None if both else language)
                    self._phrase_acronym.append(len(named) == 1 and text.isupper())
                    self._phrase_conjoined.append(any(w.folded in CONJUNCTIONS for w in named))
        return phrase_keys, owner

    def _makers(self) -> set[int]:
        """The competencies that make or maintain things: a word of making or maintaining in their names or their
        domain's ("Usinage", "Fonderie et forge", "Entretien, réparation et révision")."""
        making = {c.code for c in self.competencies
                  if any(w.folded in MAKING_WORDS for name, _ in c.terms() for w in words(name))}
        return {p for p, c in enumerate(self.competencies) if c.code in making or c.parent in making}

    def _rarity(self) -> np.ndarray:
        """Inverse document frequency of each stem, a competency (all its names together) being a document."""
        documents = {(key, position) for stems, position in zip(self._phrase_keys, self._owner) for key in stems}
        frequency = np.bincount([key for key, _ in documents], minlength=len(self._key_ids))
        return np.log1p(max(len(self.competencies), 1) / np.maximum(frequency, 1))

    @staticmethod
    def _phrase_matrix(rows: list[list[int]], weight: np.ndarray, width: int) -> sparse.csc_matrix:
        """Phrases x features, each cell the feature's weight: summing a text's columns scores every phrase."""
        row_ids = [r for r, features in enumerate(rows) for _ in features]
        col_ids = [f for features in rows for f in features]
        values = weight[col_ids] if col_ids else np.zeros(0)
        return sparse.csc_matrix((values, (row_ids, col_ids)), shape=(len(rows), width), dtype=np.float64)

    def _embed_names(self) -> tuple[np.ndarray, np.ndarray]:
        """One vector per name of each competency (its labels and synonyms in the encoder's languages)."""
        names, owner = [], []
        for position, competency in enumerate(self.competencies):
            for text, language in competency.terms():
                if language in self.encoder.languages:
                    names.append(text)
                    owner.append(position)
        owner = np.asarray(owner, dtype=np.int64)
        self._name_starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if len(owner) else owner
        return self.encoder.encode_names(names), owner

    # -- reading a text -----------------------------------------------------------------------------------------

    def _read(self, text: str) -> _Reading:
        every = words(text)
        content = [w for w in every if not w.is_stop_word]
        halves = _second_halves(every, text)
        # A verb of asking names no competency: "L'atelier recherche un partenaire" is no research.
        ids = [[] if w.start in halves or _is_asking_verb(w, text)
               else [self._key_ids[k] for k in keys(w.folded) if k in self._key_ids] for w in content]
        clause, group, clauses, groups = 0, 0, [], []
        for previous, word in zip([None, *content], content):
            if previous is not None:
                between = text[previous.end:word.start]
                if _breaks(between):
                    clause += 1
                    group += 1
                elif any(w.folded in CONJUNCTIONS for w in words(between)):
                    group += 1
            clauses.append(clause)
            groups.append(group)
        proper = _in_proper_names(every, text)
        certified = [w.folded in CERTIFICATIONS for w in content]
        following = {word.start: after for word, after in pairwise(every)}
        alone = [w.surface.lower() not in COMMON_VERBS and w.start not in proper
                 and not any(certified[max(i - 1, 0):i + 2]) and not _describes_a_noun(w, following.get(w.start), text)
                 and not _ASKING_NOUN.match(text, w.start) for i, w in enumerate(content)]
        return _Reading(content, ids, clauses, groups, alone, language_of(every), text)

    def _lexical(self, reading: _Reading) -> tuple[np.ndarray, np.ndarray]:
        """Score and coverage of every phrase, over the whole text."""
        counts = Counter(k for ids in reading.key_ids for k in set(ids))
        present = sorted(counts)
        repeat = [1.0 + math.log(counts[k]) for k in present]
        matched = self._column_sum(self._singles, present, repeat)
        coverage = self._column_sum(self._singles, present) / np.maximum(self._phrase_weight, 1e-12)
        pairs = sorted({self._pair_ids[(a, b)]
                        for left, right in pairwise(reading.key_ids)
                        for a in left for b in right if (a, b) in self._pair_ids})
        together = self._column_sum(self._pairs, pairs)
        return (matched + together) * coverage ** self.tuning.coverage_power, coverage

    @staticmethod
    def _column_sum(matrix: sparse.csc_matrix, columns: list[int], factors: list[float] | None = None) -> np.ndarray:
        """Sum of some columns of a CSC matrix (each times its factor): much cheaper than scipy's fancy indexing
        for the few dozen columns a text selects."""
        if not columns:
            return np.zeros(matrix.shape[0])
        slices = [slice(matrix.indptr[c], matrix.indptr[c + 1]) for c in columns]
        rows = np.concatenate([matrix.indices[s] for s in slices])
        values = np.concatenate([matrix.data[s] * (f if factors else 1.0)
                                 for s, f in zip(slices, factors or [1.0] * len(slices))])
        return np.bincount(rows, weights=values, minlength=matrix.shape[0])

    def _semantic(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Similarity of the text to each competency's closest name, rescaled so the median is 0 and the best 1,
        and as it is (a cosine)."""
        best = np.full(len(self.competencies), -1.0)
        if not len(self._name_starts):
            return best * 0, best * 0
        similarity = self._name_vectors @ self.encoder.encode_text(text)
        best[self._name_owner[self._name_starts]] = np.maximum.reduceat(similarity, self._name_starts)
        middle = np.median(best)
        return (best - middle) / max(best.max() - middle, 1e-9), best

    def _found_together(self, phrase: int, reading: _Reading, min_coverage: float) -> list[tuple[int, ...]]:
        """Every place where one noun group of the text holds `min_coverage` of the phrase (by rarity), its words
        at most MAX_GAP content words apart: the positions of those words, in text order. A name of several
        words needs two of them: one shared word is not a mention; a name of one word needs a word that may
        stand alone (_may_stand_alone)."""
        wanted = set(self._phrase_keys[phrase])
        needed = min(2, len(wanted))
        negation = self._phrase_negation[phrase]
        enough = min_coverage * self._phrase_weight[phrase] - 1e-9
        segments = reading.clauses if self._phrase_conjoined[phrase] else reading.groups
        mentions, found, run = [], set(), []
        lengths = self._phrase_words[phrase]

        def enough_of(keys_found: set[int]) -> bool:
            # A name that negates ("Cuisson hors autoclave", "out-of-autoclave") is met only with its negation.
            return (len(keys_found) >= needed and sum(self.idf[k] for k in keys_found) >= enough
                    and negation <= keys_found)

        for position, (segment, ids) in enumerate(zip(segments, reading.key_ids)):
            # A word meets a name's word by its stem and a like length: "engine" is no "engineering".
            hit = {k for k in wanted.intersection(ids) if self._meets(phrase, reading.content[position], k, lengths[k])}
            if not hit or (len(wanted) == 1 and not self._may_stand_alone(phrase, reading, position)):
                continue
            if not negation and _negated(reading, reading.text, position):
                continue  # "out-of-autoclave curing" is no autoclave curing
            if not run or not self._goes_on(phrase, reading, run[-1], position, hit, segments):
                if enough_of(found):
                    mentions.append(tuple(run))
                found, run = set(), []
            found |= hit
            run.append(position)
        if enough_of(found):
            mentions.append(tuple(run))
        return mentions

    def _meets(self, phrase: int, word: Word, key: int, length: int) -> bool:
        """Whether a word of the text meets a name's word (stem `key`, `length` letters): by its stem in the name's
        language ("trainer" is no "training", though the French stemmer makes both "train"), and by a like length,
        so inflections meet ("usinés", "usinage") but not derivations Snowball merges ("engine", "engineering";
        "avions", "avionique"). A participle may be shorter by more ("cémentés", "cémentation"): a process said
        by its verb."""
        if self._key_ids.get(keys(word.folded, self._phrase_stemmer[phrase])[0]) != key:
            return False
        gap = length - len(word.folded)
        return abs(gap) < MAX_LENGTH_GAP or (gap == MAX_LENGTH_GAP and _is_participle(word))

    def _goes_on(self, phrase: int, reading: _Reading, last: int, position: int, hit: set[int],
                 segments: list[int]) -> bool:
        """Whether a word found at `position` goes on the mention found up to `last`: close enough, in the same
        noun group, or across a conjunction in the name's own order ("taillage et rectification d'engrenages"
        is "taillage d'engrenages"; "surface et contrôle" is no "control surfaces", "electric motors and power"
        no "electrical power")."""
        if position - last - 1 > MAX_GAP or reading.clauses[position] != reading.clauses[last]:
            return False
        between = reading.text[reading.content[last].end:reading.content[position].start]
        if any(w.folded in AUXILIARIES for w in words(between)):
            return False
        if segments[position] == segments[last]:
            return True
        if segments[last + 1] == segments[last]:
            return False  # "electric motors and power": the name's words do not frame the conjunction
        order = self._phrase_keys[phrase]
        before = [order.index(k) for k in set(order).intersection(reading.key_ids[last])]
        return bool(before) and min(order.index(k) for k in hit) > max(before)

    def _may_stand_alone(self, phrase: int, reading: _Reading, position: int) -> bool:
        """A word names a one-word competency on its own unless it is a common verb, part of a proper name
        ("Transport Canada"), next to a certification ("Certification AS9100" is required, not needed) or a
        participle before its noun; an acronym must be written in capitals ("TI", not "Ti-6Al-4V"), and the
        name be in the text's language or in both (French "train" is no "training")."""
        word = reading.content[position]
        if not reading.alone[position] or word.folded in CERTIFICATIONS:
            return False
        if self._phrase_acronym[phrase]:
            return word.surface.isupper()
        language = self._phrase_language[phrase]
        return reading.language is None or language is None or language == reading.language

    # -- inferring ----------------------------------------------------------------------------------------------

    def infer(self, text: str, top_k: int = 10, min_coverage: float | None = None) -> list[Inferred]:
        """The competencies a text needs, best first, each with the words of the text that triggered it.

        A competency is inferred when one noun group of the text contains at least `min_coverage` of one of
        its names (by rarity), and that mention is neither part of a longer one ("landing gear" inside
        "landing gear manufacturing") nor the object of another ("anodizing of landing gear pins": the pins
        are what is worked on, not a need). With `min_coverage=0` every competency is ranked, which is how a
        benchmark links a description to its closest skills. An empty text, or one with no word of the taxonomy (gibberish),
        infers nothing. A domain is left out when one of its children is inferred: the child says more.
        """
        if min_coverage is None:
            min_coverage = self.tuning.min_coverage
        reading = self._read(text)
        if not reading.known or not len(self._starts):
            return []
        stage = self._first_stage(reading, text, min_coverage)
        if not stage.eligible.any():
            # Words of the taxonomy ("orders", "turned") but too little of any name: nothing to rank or re-rank.
            return []
        reranking = self.reranker.weights is not None
        depth = max(DEPTH, top_k + 20) if reranking else top_k + 20
        ranked = self._ranked(stage.scores, stage.eligible, enough=depth)
        scores = stage.scores
        if reranking:
            ranked, scores = self._reranked(reading, text, stage, ranked, depth)
        found = {}
        for position in ranked:
            if len(found) >= top_k + 20:
                break
            mention = self._mention(position, stage.phrase_scores, reading, min_coverage)
            if mention is not None:
                found[position] = mention
        if min_coverage:
            names_whole = lambda p, span: self._names_whole(found[p][0], reading, span)  # noqa: E731
            found = _needs_only(found, reading, text, self._related, self._siblings, self._works_on_a_mere_object,
                                names_whole)
        codes = {self.competencies[p].code for p in found}
        kept = [p for p in found if not codes.intersection(self._children.get(self.competencies[p].code, ()))]
        return [Inferred(self.competencies[p].code, round(float(scores[p]), 6),
                         _triggers(reading, set(self._phrase_keys[found[p][0]]), text)
                         if stage.lexical[p] > 0 else [],
                         domain=self.competencies[p].code in self._children)
                for p in kept[:top_k]]

    def _works_on_a_mere_object(self, position: int, where: frozenset[int], of: bool) -> bool:
        """Whether what a mention works on is a mere object: not what the competency makes or maintains, said with
        "of" (the buyer wants that product's know-how: "entretien d'un simulateur", "gear grinding of
        transmission gears"; harnesses "for a drone program" are no drones), nor what a domain named by one word
        works on, a qualifier ("a composites partner for autoclave curing", "certification of DO-178C software")."""
        one_word_domain = len(where) == 1 and self.competencies[position].code in self._children
        return not (of and position in self._making) and not one_word_domain

    def _names_whole(self, phrase: int, reading: _Reading, span: frozenset[int]) -> bool:
        """Whether a mention holds every word of its name: "for manufacturing process simulation" names the work,
        "for landing gear pins" only the product of "landing gear manufacturing"."""
        return set(self._phrase_keys[phrase]) <= set().union(*(reading.key_ids[i] for i in span))

    def _related(self, one: int, other: int) -> bool:
        """Whether two competencies are a domain and one of its capabilities."""
        a, b = self.competencies[one], self.competencies[other]
        return a.parent == b.code or b.parent == a.code

    def _siblings(self, one: int, other: int) -> bool:
        """Whether two competencies are capabilities of one domain."""
        a, b = self.competencies[one], self.competencies[other]
        return a.parent is not None and a.parent == b.parent

    def _mention(self, position: int, phrase_scores: np.ndarray, reading: _Reading,
                 min_coverage: float) -> tuple[int, tuple[int, ...], tuple[frozenset[int], ...]] | None:
        """The competency's best-scoring name that the text mentions, where first, and every place where any of
        its names is mentioned (every name counts, nowhere in particular, without a threshold)."""
        if min_coverage == 0:
            return self._best_phrase(position, phrase_scores), (), ()
        start = self._phrase_start[position]
        scores = phrase_scores[start:self._phrase_end[position]]
        best, everywhere = None, []
        for offset in np.argsort(-scores, kind="stable"):
            if scores[offset] <= 0:
                break
            mentions = self._found_together(start + int(offset), reading, min_coverage)
            if mentions:
                best = best or (start + int(offset), mentions[0])
                everywhere.extend(frozenset(where) for where in mentions)
        return None if best is None else (best[0], best[1], tuple(everywhere))

    def _first_stage(self, reading: _Reading, text: str, min_coverage: float) -> "_Stage":
        """Every competency scored by its best name (plus the encoder's similarity), before re-ranking."""
        phrase_scores, coverage = self._lexical(reading)
        if min_coverage > 0:
            phrase_scores = np.where(coverage >= min_coverage, phrase_scores, 0.0)
        lexical = np.zeros(len(self.competencies))
        lexical[self._owners] = np.maximum.reduceat(phrase_scores, self._starts)
        scores = lexical / max(lexical.max(), 1e-12)
        semantic = similarity = None
        if self.encoder is not None:
            semantic, similarity = self._semantic(text)
            scores = scores + self.encoder.weight * semantic
        eligible = lexical > 0 if min_coverage > 0 else np.ones(len(scores), dtype=bool)
        return _Stage(phrase_scores, lexical, coverage, scores, eligible, semantic, similarity)

    def _candidates(self, stage: "_Stage", ranked: list[int], depth: int) -> np.ndarray:
        """The first-stage best, and with an encoder the best of its own ranking too (what is said in other words
        may score low lexically)."""
        candidates = ranked[:depth]
        if stage.semantic is not None:
            pool = np.flatnonzero(stage.eligible)
            if len(pool) > SEMANTIC_DEPTH:
                pool = pool[np.argpartition(-stage.semantic[pool], SEMANTIC_DEPTH)[:SEMANTIC_DEPTH]]
            best = pool[np.lexsort((pool, -stage.semantic[pool]))]
            candidates = list(dict.fromkeys([*candidates, *best.tolist()]))
        return np.asarray(candidates, dtype=np.int64)

    def rerank_features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The candidates a text would be re-ranked among (positions in the taxonomy) and their features, in
        ranking mode (no threshold): what the re-ranker's weights are fitted on."""
        reading = self._read(text)
        if not reading.known or not len(self._starts):
            return np.zeros(0, np.int64), np.zeros((0, 0))
        stage = self._first_stage(reading, text, 0.0)
        ranked = self._ranked(stage.scores, stage.eligible, enough=DEPTH)
        candidates = self._candidates(stage, ranked, DEPTH)
        return candidates, self._features(reading, text, stage, candidates)

    def _features(self, reading: _Reading, text: str, stage: "_Stage", candidates: np.ndarray) -> np.ndarray:
        return self.reranker.features(self, reading, text, candidates, stage.scores,
                                      self._largest(stage.coverage, candidates), stage.semantic, stage.similarity)

    def _largest(self, per_phrase: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """Per candidate competency, the largest value over its phrases (0 for one without any)."""
        start, end = self._phrase_start[candidates], self._phrase_end[candidates]
        lengths = end - start
        if not lengths.sum():
            return np.zeros(len(candidates))
        offsets = np.cumsum(lengths) - lengths
        phrases = np.arange(lengths.sum()) - np.repeat(offsets, lengths) + np.repeat(start, lengths)
        largest = np.zeros(len(candidates))
        has = lengths > 0
        largest[has] = np.maximum.reduceat(per_phrase[phrases], offsets[has])
        return largest

    def _reranked(self, reading: _Reading, text: str, stage: "_Stage", ranked: list[int], depth: int
                  ) -> tuple[list[int], np.ndarray]:
        """The first candidates in the re-ranker's order, each scored relative to the best (best = 1)."""
        candidates = self._candidates(stage, ranked, depth)
        learned = self.reranker.scores(self._features(reading, text, stage, candidates))
        order = np.lexsort((np.arange(len(candidates)), -learned))
        scores = np.zeros(len(self.competencies))
        scores[candidates] = np.exp(learned - learned.max())
        return candidates[order].tolist(), scores

    def _ranked(self, scores: np.ndarray, eligible: np.ndarray, enough: int) -> list[int]:
        """The best eligible competencies (at least `enough` of them when there are), by decreasing score, ties in
        taxonomy order: the same text always gives the same answer."""
        candidates = np.flatnonzero(eligible)
        if len(candidates) > 2 * enough:
            cut = np.partition(scores[candidates], len(candidates) - enough)[len(candidates) - enough]
            candidates = candidates[scores[candidates] >= cut]
        return candidates[np.lexsort((candidates, -scores[candidates]))].tolist()

    def _best_phrase(self, position: int, phrase_scores: np.ndarray) -> int:
        start, end = self._phrase_start[position], self._phrase_end[position]
        return int(start + np.argmax(phrase_scores[start:end]))


def _triggers(reading: _Reading, phrase_keys: set[int], text: str) -> list[str]:
    """The spans of the text that show the stems of a phrase it contains, each stem shown once, in text order.

    A run is a stretch of neighbouring content words that all belong to the phrase: "usinage de précision"
    shows as one trigger, its stop word included, rather than as "usinage" and "précision". Longer runs are
    preferred, so the phrase as written wins over its words scattered elsewhere in the text.
    """
    runs, current = [], []
    for index, ids in enumerate(reading.key_ids):
        hit = phrase_keys.intersection(ids)
        if hit:
            current.append((index, hit))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    runs.sort(key=lambda run: (-len(set().union(*(hit for _, hit in run))), run[0][0]))
    shown, spans = set(), []
    for run in runs:
        run_keys = set().union(*(hit for _, hit in run))
        if run_keys - shown:
            shown |= run_keys
            first, last = reading.content[run[0][0]], reading.content[run[-1][0]]
            spans.append((first.start, text[first.start:last.end]))
    return [span for _, span in sorted(spans)]


def _needs_only(found: dict[int, tuple], reading: _Reading, text: str, related, siblings, works_on_a_mere_object,
                names_whole) -> dict[int, tuple]:
    """The mentions that name a need: not part of a longer mention, nor made of words other mentions explain
    ("CNC milling and CNC turning" is no "mill-turn"), nor what an earlier one works on (_objects). Each place a
    competency is mentioned is judged: one that names a need keeps it ("Atelier d'usinage recherche un
    partenaire en usinage")."""
    objects = _objects(found, reading, text, works_on_a_mere_object, names_whole)
    kept = {}
    for p, (phrase, first, everywhere) in found.items():
        if p in objects:
            continue
        others = [other for q in found if q != p for other in found[q][2]]
        mentions = sorted({frozenset(first), *everywhere}, key=lambda span: (min(span), sorted(span)))
        where = _a_need(reading, text, mentions, others)
        if where is None:
            continue
        # Best first: the words of the mentions kept so far, a domain's and its capabilities' apart.
        # The same words naming two capabilities of one domain name the one ranked first ("the landing gear ...
        # needs an overhaul" is no landing gear manufacturing).
        explained = [span for q in kept if not related(p, q) for span in kept[q][2]
                     if span != set(where) or siblings(p, q)]
        if set(where) <= set().union(*explained):
            continue
        if _abbreviates(reading, text, where, [kept[q][1] for q in kept]):
            continue
        kept[p] = (phrase, where, everywhere)
    return kept


def _a_need(reading: _Reading, text: str, mentions: list[frozenset[int]], others: list[frozenset[int]]
            ) -> tuple[int, ...] | None:
    """The first of a competency's mentions (in text order) that names a need: not inside a longer mention of
    another, nor who asks, nor a step before or after. Once the competency said who asks, its name after a
    possessive is the asker's own ("An advanced air mobility start-up ... thermal management of its eVTOL")."""
    asker = False
    for span in mentions:
        if any(span < other for other in others) or _says_when(reading, text, min(span)):
            continue
        if _describes_the_asker(reading, text, span):
            asker = True
        elif not (asker and _after_a_possessive(reading, text, min(span))):
            return tuple(sorted(span))
    return None


def _after_a_possessive(reading: _Reading, text: str, first: int) -> bool:
    before = words(text[reading.content[first - 1].end if first else 0:reading.content[first].start])
    return bool(before) and before[-1].folded in POSSESSIVES


def _describes_the_asker(reading: _Reading, text: str, where: frozenset[int]) -> bool:
    """Whether a mention is in the subject of a verb of asking, in one clause: it says who asks ("Engine
    overhaul shop requires a subcontractor for thermal spray", "We make aircraft seats and are looking for a
    laboratory"). Not when a verb of asking comes before it ("We require anodizing and want a quote"), nor
    when a relative word ("parts that the customer requires") or a new subject ("NDT services and the supplier
    requires") stands between it and the first verb of asking after it, nor when "for" or "pour" brings it in
    ("Pour l'usinage 5 axes, nous cherchons...")."""
    clause = reading.clauses[max(where)]
    members = [i for i, c in enumerate(reading.clauses) if c == clause]
    verbs = [i for i in members if _is_asking_verb(reading.content[i], text)]
    if not verbs or verbs[0] < min(where):
        return False
    verb = next((i for i in verbs if i > max(where)), None)
    if verb is None:
        return False
    between = words(text[reading.content[max(where)].end:reading.content[verb].start])
    if any(w.folded in RELATIVE_WORDS for w in between) and not _relative_asker(reading, between, verb):
        return False
    if any(w.folded in CONJUNCTIONS and following.folded in SUBJECT_OPENERS for w, following in pairwise(between)):
        return False
    start = reading.content[members[0] - 1].end if members[0] else 0
    return not any(w.folded in ("for", "pour") for w in words(text[start:reading.content[min(where)].start]))


def _relative_asker(reading: _Reading, between: list[Word], verb: int) -> bool:
    """Whether a relative word right before a verb of asking makes its noun the one who asks for a partner:
    "un atelier d'usinage qui recherche un partenaire" (but "inspection of castings which requires Nadcap")."""
    return (between[-1].folded in RELATIVE_WORDS and verb + 1 < len(reading.content)
            and reading.content[verb + 1].folded in PARTNER_WORDS)


def _is_asking_verb(word: Word, text: str) -> bool:
    return bool(_ASKING_VERB.fullmatch(word.surface.lower())) and _asks(word, text)


def _asks(verb: Word, text: str) -> bool:
    """"recherche" asks only followed by an article ("L'atelier recherche un partenaire")."""
    return verb.folded != "recherche" or bool(re.match(r"\s+(un|une|des)\b", text[verb.end:]))


def _says_when(reading: _Reading, text: str, first: int) -> bool:
    """Whether a mention says what comes before or after the work asked ("grenaillage ... après rectification",
    "after grinding"): a step already done or done by others."""
    if not first or reading.content[first - 1].folded not in SEQUENCE_WORDS:
        return False
    between = text[reading.content[first - 1].end:reading.content[first].start]
    if _breaks(between) or between == "-":
        return False  # "avant-vente", "after-sales": one word
    return reading.content[first - 1].folded != "prior" or "to" in {w.folded for w in words(between)}


def _abbreviates(reading: _Reading, text: str, where: tuple[int, ...], others: list[tuple[int, ...]]) -> bool:
    """Whether a mention is an acronym in brackets right after another mention: it abbreviates what precedes it
    ("Assemblage de cartes électroniques (CMS)" is no content management system)."""
    if len(where) != 1 or not where[0] or not reading.content[where[0]].surface.isupper():
        return False
    at = where[0]
    return (text[reading.content[at - 1].end:reading.content[at].start].strip() == "("
            and any(max(other) == at - 1 for other in others))


def _objects(found: dict[int, tuple], reading: _Reading, text: str, works_on_a_mere_object, names_whole) -> set[int]:
    """The mentions that say what an earlier mention of the same clause works on: they follow it through a
    preposition ("of", "pour", "de"...), maybe an article and a few other words, nothing else ("zinc-nickel
    pour des axes de train d'atterrissage", "DO-160 testing of a cockpit display unit"), or go on such an
    object with nothing between ("FEA of a composite wing box": neither composites nor wings are needed).

    What is made, assembled, repaired or maintained is the need, though: the buyer wants that product's
    know-how ("entretien d'un simulateur de vol", "investment casting of turbine blades", "overhaul of
    shock struts")."""
    spans = sorted({(min(span), max(span), p) for p, (_, where, everywhere) in found.items()
                    for span in (frozenset(where), *everywhere)})
    objects = set()  # (start, end, p) of spans that are objects
    for start, end, p in spans:
        ends = [e for s, e, q in spans if q != p and e < start]
        if not ends:
            continue
        previous = [(s, e, q) for s, e, q in spans if q != p and e == max(ends)]
        before = max(ends)
        if any(span in objects for span in previous) and _joined(reading, text, before, start):
            objects.add((start, end, p))
        elif _is_object(reading, text, before, start,
                        names_whole(p, _span_of(found[p], start, end)) and not _modifies(reading, text, end)) and any(
                works_on_a_mere_object(q, _span_of(found[q], s, e), _through_of(reading, text, before, start))
                for s, e, q in previous):
            objects.add((start, end, p))
    # A competency is an object when every mention of it is.
    return {p for p in found if all(span in objects for span in spans if span[2] == p)}


def _span_of(mention: tuple, start: int, end: int) -> frozenset[int]:
    """The words of one of a competency's mentions, from where it starts and ends."""
    return next(span for span in (frozenset(mention[1]), *mention[2]) if (min(span), max(span)) == (start, end))


def _modifies(reading: _Reading, text: str, end: int) -> bool:
    """Whether the word ending a mention qualifies the noun right after it ("landing gear pins"): the mention
    names a product, the pins."""
    return end + 1 < len(reading.content) and text[reading.content[end].end:reading.content[end + 1].start].isspace()


def _joined(reading: _Reading, text: str, before: int, at: int) -> bool:
    """Whether two content words stand side by side in one noun group ("composite wing box")."""
    between = text[reading.content[before].end:reading.content[at].start]
    return at == before + 1 and not _breaks(between) and all(w.is_stop_word and w.folded not in CONJUNCTIONS
                                                             for w in words(between))


def _through_of(reading: _Reading, text: str, before: int, at: int) -> bool:
    """Whether "of" or "de" links two words, not "for" or "pour"."""
    linking = {w.folded for w in words(text[reading.content[before].end:reading.content[at].start])}
    return bool(linking & OF) and not linking & {"for", "pour"}


def _is_object(reading: _Reading, text: str, before: int, at: int, names_its_work: bool) -> bool:
    """Whether the mention starting at `at` says what the mention ending at `before` works on. Right after it,
    "for" says so only of a mention that names a product without its work ("zinc-nickel for landing gear
    pins"; "AI for manufacturing process simulation" names two needs); further, "for" too ("zinc-nickel pour
    des axes"). A partner named between says who is sought, not what is worked on ("a composites partner for
    autoclave curing"). `names_its_work`: the later mention holds all of its name and qualifies no noun after it."""
    between = text[reading.content[before].end:reading.content[at].start]
    gap = at - before - 1
    if gap > MAX_OBJECT_GAP or _breaks(between):
        return False
    if any(reading.content[i].folded in PARTNER_WORDS for i in range(before + 1, at)):
        return False
    linking = [w.folded for w in words(between) if w.is_stop_word]
    prepositions = OF if names_its_work and not gap else OBJECT_PREPOSITIONS
    return any(w in prepositions for w in linking) and all(w in _OBJECT_LINKS for w in linking)


def _breaks(between: str) -> bool:
    """Whether what stands between two words ends a clause."""
    return between not in _WITHIN_A_WORD and bool(_CLAUSE_BREAK.search(between))


# What joins the halves of a compound word: hyphens (ASCII, Unicode, non-breaking) or a space.
_COMPOUND_JOINS = frozenset({"-", "\u2010", "\u2011", " ", "\u00a0"})


def _negated(reading: _Reading, text: str, position: int) -> bool:
    """Whether a word follows a negation that makes it its opposite: "out-of-autoclave", "non-autoclave",
    "hors autoclave", "sans autoclave" ("carry out" negates nothing: "out" needs "of")."""
    if not position:
        return False
    previous = reading.content[position - 1]
    between = text[previous.end:reading.content[position].start]
    if _breaks(between) or previous.folded not in NEGATIONS:
        return False
    linking = [w.folded for w in words(between)]
    return linking == ["of"] if previous.folded == "out" else all(w in ("de", "d") for w in linking)


def _second_halves(every: list[Word], text: str) -> set[int]:
    """Where the second half of "sous-traitant" / "sous-traitance" (a subcontractor) starts: no treatment."""
    return {word.start for previous, word in pairwise(every)
            if previous.folded == "sous" and text[previous.end:word.start] in _COMPOUND_JOINS
            and word.folded.startswith("traitan")}


def _is_participle(word: Word) -> bool:
    """A French or English past participle: a process said by its verb ("cémentés", "hardened")."""
    return word.surface.lower().endswith(("é", "ée", "és", "ées")) or word.folded.endswith("ed")


def _describes_a_noun(word: Word, after: Word | None, text: str) -> bool:
    """An English participle right before a noun (`after`, the next word) says what a part is, not what is to be
    done: "machined aluminium brackets" needs no machining ("forged-quality", one hyphenated word, still names
    forging)."""
    return (word.folded.endswith("ed") and after is not None and not after.is_stop_word
            and text[word.end:after.start].isspace())


def _in_proper_names(every: list[Word], text: str) -> set[int]:
    """Where the words of proper names start: runs of two or more capitalised words ("Transport Canada",
    "Agence spatiale canadienne" is not one), a run at the start of a clause counting only when it goes on."""
    capitalised = [w.surface[:1].isupper() and not w.surface.isupper() for w in every]
    starts = set()
    for index in range(len(every) - 1):
        joined = not _breaks(text[every[index].end:every[index + 1].start])
        if capitalised[index] and capitalised[index + 1] and joined:
            starts.update((every[index].start, every[index + 1].start))
    return starts
