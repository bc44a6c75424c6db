"""Re-ranking the first candidates of the inference score with a few more signals, combined by learned weights.

The first-stage score (matching.inference) rewards the rarest words of a name found in the text. A text that
describes a competency in its own words also says *how* it names it: the preferred label matters more than
a synonym, the words at the start of a description restate what it is about, a description that opens on a
verb ("Maintain the…") describes a skill named by a verb ("maintain suspension system") rather than a field
of knowledge ("Finnish"), and a name that explains more of the text fits it better. Each signal is a column
of `features`; their few weights (one per feature and configuration) were fitted once by logistic regression
(the right competency against the other candidates) on ESCO's dev descriptions, reported by 5-fold
cross-validation over skills, and ship in rerank_weights.json. Nothing here knows a particular competency:
the same weights read Grappe's own taxonomy.

Everything is vectorised over the candidates: re-ranking 60 of them costs well under a millisecond.
"""

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse

from .text import keys, words

WEIGHTS_FILE = Path(__file__).with_name("rerank_weights.json")
DEPTH = 60                          # first-stage candidates the re-ranker reorders
SEMANTIC_DEPTH = 30                 # with an encoder, the best of its own ranking join them

LEXICAL_FEATURES = (
    "first_stage",                  # the first-stage score, best candidate = 1
    "log_rank",                     # log(1 + rank) in the first stage
    "phrase_coverage",              # share (by rarity) of the best-matching name found in the text
    "label_coverage",               # the same for the preferred labels only (French or English)
    "label_missing",                # words of the closest preferred label absent from the text
    "label_early",                  # label words found early in the text (rarity / (1 + position))
    "head_found",                   # the label's first word is in the text
    "head_first",                   # ... and is the text's first word
    "verb_agreement",               # both the text and the label open on a word that opens many labels
    "label_verb",                   # the label opens on such a word (a skill, not a field)
    "matched",                      # rarity of every word of every name found in the text, / 10
    "explained",                    # share of the text's rarity those words explain
)
SEMANTIC_FEATURES = ("similarity", "semantic_log_rank")


def load_weights(path: Path = WEIGHTS_FILE) -> dict[str, np.ndarray]:
    """Per configuration ("lexical" or an encoder's name), one weight per feature, in feature order."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as handle:
        stored = json.load(handle)
    return {name: np.array([entry["weights"][f] for f in feature_names(name != "lexical")])
            for name, entry in stored.items()}


def feature_names(semantic: bool) -> tuple[str, ...]:
    return LEXICAL_FEATURES + (SEMANTIC_FEATURES if semantic else ())


class Reranker:
    """Built once from an index (matching.inference.CompetencyIndex): the labels' words as arrays."""

    def __init__(self, index, weights: np.ndarray | None):
        self.weights = weights
        self.idf = np.r_[index.idf, 0.0]            # the last id pads the label arrays
        pad = len(index.idf)
        labels = [[self._label_keys(index, text, language) for text, language in
                   ((c.label_fr, "fr"), (c.label_en, "en"))] for c in index.competencies]
        width = max((len(k) for pair in labels for k in pair), default=1) or 1
        self.label_keys = np.full((len(labels), 2, width), pad, dtype=np.int64)
        for position, pair in enumerate(labels):
            for side, stems in enumerate(pair):
                self.label_keys[position, side, :len(stems)] = stems
        self.label_weight = self.idf[self.label_keys].sum(axis=2)
        self.label_heads = np.array([[k[0] if k else pad for k in pair] for pair in labels], dtype=np.int64)
        # How many labels open on a word: many for verbs ("manage", "gérer"), few for fields ("Finnish").
        openings = Counter(k[0] for pair in labels for k in pair if k)
        verbness = np.zeros(pad + 1)
        for key, count in openings.items():
            verbness[key] = math.log1p(count)
        self.verbness = verbness
        self.label_verb = np.where(self.label_heads < pad, verbness[self.label_heads], 0.0).max(axis=1)
        # Every word of every name of a competency (once), weighted by its rarity: competencies x stems.
        cells = sorted({(int(owner), k) for stems, owner in zip(index._phrase_keys, index._owner) for k in stems})
        rows, cols = [r for r, _ in cells], [k for _, k in cells]
        self.names = sparse.csc_matrix((index.idf[cols] if cols else np.zeros(0), (rows, cols)),
                                       shape=(len(labels), pad))

    @staticmethod
    def _label_keys(index, text: str, language: str) -> list[int]:
        """A label's stems known to the index, each once, in order."""
        found = [index._key_ids.get(keys(w.folded, language)[0]) for w in words(text) if not w.is_stop_word]
        return list(dict.fromkeys(k for k in found if k is not None))

    def features(self, index, reading, text: str, candidates: np.ndarray, first_stage: np.ndarray,
                 phrase_coverage: np.ndarray, semantic: np.ndarray | None, similarity: np.ndarray | None
                 ) -> np.ndarray:
        """Candidates x features, in the order of `feature_names`."""
        pad = len(self.idf) - 1
        present = np.zeros(pad + 1, dtype=bool)
        position = np.full(pad + 1, np.inf)
        for index_in_text, ids in reversed(list(enumerate(reading.key_ids))):
            present[ids] = True
            position[ids] = index_in_text
        present[pad] = False
        stems = self.label_keys[candidates]                               # candidates x 2 x width
        real = stems < pad
        found = present[stems]
        weight = np.maximum(self.label_weight[candidates], 1e-12)
        has_label = self.label_weight[candidates] > 0
        label_coverage = np.where(has_label, (self.idf[stems] * found).sum(axis=2) / weight, 0.0)
        missing = np.where(has_label, (real & ~found).sum(axis=2), np.inf).min(axis=1)
        early = np.where(has_label, (self.idf[stems] / (1.0 + position[stems])).sum(axis=2) / weight, 0.0)
        heads = self.label_heads[candidates]
        head_found = present[heads].any(axis=1)
        opening = set(reading.key_ids[0]) if reading.key_ids else set()
        head_first = np.isin(heads, list(opening)).any(axis=1) if opening else np.zeros(len(candidates), bool)
        text_verb = self._text_verbness(index, text)
        label_verb = self.label_verb[candidates]
        known = sorted({k for ids in reading.key_ids for k in ids})
        matched = index._column_sum(self.names, known)[candidates] if known else np.zeros(len(candidates))
        text_weight = max(float(self.idf[known].sum()), 1e-12)
        columns = [
            first_stage[candidates] / max(float(first_stage[candidates].max()), 1e-12),
            np.log1p(_ranks(first_stage[candidates])),
            phrase_coverage,
            label_coverage.max(axis=1),
            np.where(np.isfinite(missing), missing, 0.0),
            early.max(axis=1),
            head_found,
            head_first,
            text_verb * label_verb,
            label_verb,
            matched / 10.0,
            matched / text_weight,
        ]
        if semantic is not None:
            columns += [similarity[candidates], np.log1p(_ranks(semantic[candidates]))]
        return np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])

    def _text_verbness(self, index, text: str) -> float:
        """How often the text's first word opens a label: a description opening on a verb describes a skill."""
        first = next(iter(words(text)), None)
        if first is None or first.is_stop_word:
            return 0.0
        ids = [index._key_ids[k] for k in keys(first.folded) if k in index._key_ids]
        return float(self.verbness[ids].max()) if ids else 0.0

    def scores(self, features: np.ndarray) -> np.ndarray:
        return features @ self.weights


def _ranks(values: np.ndarray) -> np.ndarray:
    """Each value's rank by decreasing value (0 = largest), ties in input order."""
    ranks = np.empty(len(values))
    ranks[np.argsort(-values, kind="stable")] = np.arange(len(values))
    return ranks
