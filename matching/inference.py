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
from .taxonomy import Competency
from .text import Word, keys, words

# Punctuation that ends a clause: with a threshold, a name must be found within one clause.
_CLAUSE_BREAK = re.compile(r"[.,;:!?()\[\]\n]")


@dataclass(frozen=True, slots=True)
class Inferred:
    code: str
    score: float
    triggers: list[str]


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
        self.encoder = encoder
        self._name_vectors, self._name_owner = self._embed_names() if encoder is not None else (None, None)
        weights = load_weights().get("lexical" if encoder is None else encoder.name) if rerank else None
        self.reranker = Reranker(self, weights)

    # -- building ---------------------------------------------------------------------------------------------

    def _phrases(self) -> tuple[list[list[int]], list[int]]:
        """Each name of each competency as the ids of its stems, and the position of the competency it names."""
        phrase_keys, owner = [], []
        for position, competency in enumerate(self.competencies):
            for text, language in competency.terms():
                stems = [self._key_ids.setdefault(keys(w.folded, language)[0], len(self._key_ids))
                         for w in words(text) if not w.is_stop_word]
                if stems:
                    phrase_keys.append(stems)
                    owner.append(position)
        return phrase_keys, owner

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
        content = [w for w in words(text) if not w.is_stop_word]
        ids = [[self._key_ids[k] for k in keys(w.folded) if k in self._key_ids] for w in content]
        clause, clauses = 0, []
        for previous, word in zip([None, *content], content):
            if previous is not None and _CLAUSE_BREAK.search(text, previous.end, word.start):
                clause += 1
            clauses.append(clause)
        return _Reading(content, ids, clauses)

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

    def _found_within_a_clause(self, phrase: int, reading: _Reading, min_coverage: float) -> bool:
        wanted = set(self._phrase_keys[phrase])
        by_clause: dict[int, set[int]] = {}
        for clause, ids in zip(reading.clauses, reading.key_ids):
            by_clause.setdefault(clause, set()).update(wanted.intersection(ids))
        # A name of several words needs two of them together: one shared word is not a mention.
        needed = min(2, len(wanted))
        best = max((sum(self.idf[k] for k in found) for found in by_clause.values() if len(found) >= needed),
                   default=0.0)
        return best >= min_coverage * self._phrase_weight[phrase] - 1e-9

    # -- inferring ----------------------------------------------------------------------------------------------

    def infer(self, text: str, top_k: int = 10, min_coverage: float | None = None) -> list[Inferred]:
        """The competencies a text needs, best first, each with the words of the text that triggered it.

        A competency is inferred when one clause of the text contains at least `min_coverage` of one of its
        names (by rarity). With `min_coverage=0` every competency is ranked, which is how a benchmark links a
        description to its closest skills. An empty text, or one with no word of the taxonomy (gibberish),
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
            phrase = self._best_phrase(position, stage.phrase_scores)
            if min_coverage == 0 or self._found_within_a_clause(phrase, reading, min_coverage):
                found[position] = phrase
        codes = {self.competencies[p].code for p in found}
        kept = [p for p in found if not codes.intersection(self._children.get(self.competencies[p].code, ()))]
        return [Inferred(self.competencies[p].code, round(float(scores[p]), 6),
                         _triggers(reading, set(self._phrase_keys[found[p]]), text) if stage.lexical[p] > 0 else [])
                for p in kept[:top_k]]

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
