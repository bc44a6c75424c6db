"""Themes in free texts (members' needs, survey answers), French and English mixed: found, labelled, tracked.

`find_themes(texts)` groups texts by what they talk about and returns, for each theme, its size, its name in
each language of its texts (a phrase they hold, as written: `name_phrases`), the words that characterise it
(shown to the staff, who may rename it) and its most central texts. The themes are average-linkage clusters
of the texts as vectors (k-means past 12,000 texts); k is chosen by the silhouette over a small range unless
given, a range that grows when members keep raising more distinct subjects than it allows (TIGHT_DISTANCE).
The same texts with the same seed always give the same themes and the same names.

A text becomes a vector in two parts:
- lexical (always): TF-IDF over the texts' stems (folded, French and English Snowball stems, so "export"
  meets "exportations"), plus bilingual concepts — the listening categories below and, when given, the
  domains of a capability taxonomy — so "main-d'oeuvre" and "workforce" share a feature even though no
  stem does. The matrix is reduced by a truncated SVD (LSA). Then each language's mean is taken away:
  without that, the strongest direction in a mixed corpus is the language itself, and the themes would
  be "the French texts" and "the English texts".
- semantic (when given): sentence embeddings (matching.embeddings, e.g. multilingual-e5-small), passed in
  precomputed as `vectors` because encoding is slow (some 20 texts/s on two cores) and the caller stores
  them. They are centred per language too, and then used alone: the lexical space is what the finder falls
  back on when no vectors are given (no encoder, or it failed). Blended in, it only blurred the encoder's
  topics (SIB-200: adjusted Rand 0.41 with the embeddings alone, 0.32 with the lexical part at a quarter of
  the weight; docs/benchmarks.md). A model stored by a blended run places no new text (its centres have
  other dimensions) until the next run.

Without embeddings, texts in two languages meet only through shared stems (cognates, names, figures) and
the concepts: that covers the cluster's own vocabulary, not general topics — see docs/benchmarks.md.

`ThemeModel.assign(texts)` puts new texts into existing themes (nearest centroid, in the space fitted on the
first texts; none when every centre is further than MIN_SIMILARITY), so themes can be followed over time; `relabel` rebuilds themes after staff merge, split or
reassign texts (`merge_themes` and `split_theme` do the first two).
"""

import io
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from .text import LANGUAGES, keys, words
from .text import stem as stem_word

DEFAULT_SEED = 0
# Candidates for the number of themes when the caller does not set it: fewer than 6 lumps unrelated needs,
# more than 12 is more than a person reads at a glance. Capped by the number of texts (see _k_candidates).
DEFAULT_K_RANGE = (6, 12)
LSA_DIMENSIONS = 100
CONCEPT_WEIGHT = 2.0            # a concept feature against one stem of the same rarity
MIN_LANGUAGE_TEXTS = 5           # texts of a language for its mean to be taken away
HIERARCHY_LIMIT = 12_000         # texts clustered by average linkage; k-means beyond
SILHOUETTE_SAMPLE = 2000         # texts each candidate k is tried on (the silhouette is quadratic in them)
# Members who keep raising a few subjects in nearly the same words (a recurring need, a pulse survey's answers)
# make tight groups: texts within TIGHT_DISTANCE (cosine, average) of each other, at least TIGHT_GROUP_SIZE of
# them. When such groups hold at least TIGHT_SHARE of the texts, the number of themes may go up to the number
# of groups (of TIGHT_GROUP_SIZE texts or more) that have almost nothing in common (SUBJECT_DISTANCE apart),
# at most MAX_THEMES: with fewer, unrelated subjects had to share a theme (titanium lead times with public
# transit). Texts of varied wording (SIB-200's sentences: 14 % in tight groups) keep DEFAULT_K_RANGE.
TIGHT_DISTANCE = 0.3
# In the sentence encoder's space (centred per language) a detail added to a short text moves it further (one
# demo subject's wordings: 0.35-0.55 apart on average) while unrelated subjects stay 0.9 apart; SIB-200's
# varied sentences: under 1 % in tight groups at 0.5, 6 % at 0.6; the demo's needs: 78 % at 0.5.
TIGHT_DISTANCE_EMBEDDED = 0.5
TIGHT_GROUP_SIZE = 5
TIGHT_SHARE = 0.5
SUBJECT_DISTANCE = 0.8
MAX_THEMES = 30
# A text further than this from every theme's centre (cosine similarity) is left unthemed when placed later,
# rather than put in the nearest theme, however unrelated.
MIN_SIMILARITY = 0.25
KEYWORDS = 6
REPRESENTATIVES = 5
# A theme's name is a phrase of its texts: 1 to 3 content words, up to 6 words with the small ones between
# ("Délais de livraison du titane"); longer phrases are preferred when as telling as their parts.
PHRASE_WORDS = 6
PHRASE_CONTENT_WORDS = 3
PHRASE_LENGTH_WEIGHT = (1.0, 1.5, 1.7)
# A phrase that begins after a small word or a clause's start ("les | délais de livraison"), and one that ends
# before one, reads as a noun phrase rather than a cut in the middle of one.
PHRASE_START_WEIGHT = 1.3
PHRASE_END_WEIGHT = 1.15
PHRASES = 20                     # phrases kept per theme and language for a caller to choose among

# Words that mark a language and little else, to tell French texts from English ones (folded).
_LANGUAGE_MARKERS = {
    "fr": frozenset("le la les des du de un une et est dans pour que qui sur au aux ce cette il elle ne pas "
                    "par avec son sa ses ont sont nous notre nos vous votre plus leur leurs mais ou tres".split()),
    "en": frozenset("the of and to in is was for that on with as by at from it an be are were has have this "
                    "which their we our you your not but or more very".split()),
}
# Words too common to name a theme, beyond matching.text's stop words (folded).
_COMMON_WORDS = frozenset("""
aussi comme pendant apres avant avait avaient etait etaient ete fait faire font peut peuvent pourrait bien
encore deja alors donc si cela ceci celle celui ceux lorsque quand comment autre autres meme memes sans
depuis jusqu environ plusieurs certains certaines souvent toujours sera seront fut lequel laquelle aucun
chaque beaucoup peu moins trop tandis car ici la puis ni non oui ont avons avez suis sommes etes lui eux
sont nouveau nouvelle premier premiere appele appeles appelee dit
also can could would been more most other others only when where how what after before during over about
up out if then there just like one some many much any being did does do had made make makes used use
get got going way well even still however although because since per via into onto upon he she his her
him its they them i me my us who whom whose new first two three also said says called known
""".split())
_SKIPPED = _LANGUAGE_MARKERS["fr"] | _LANGUAGE_MARKERS["en"] | _COMMON_WORDS
# Words that say what a member wants or lacks, not what about: they may stand inside a theme's name, never at
# its ends ("Manque de logements abordables" is named "Logements abordables"). Names only: the clustering
# keeps reading them.
_NOT_NAMING = _SKIPPED | frozenset("""
aimerions aimerait voulons voudrions cherchons faut manque manquons arrivons arrivent savons nouveaux nouvelles
need needs want wants looking lack like no now nobody longer maintenant plus pres near cannot
""".split())

# Bilingual concepts of the listening categories (issue 5: workforce, export, financing, regulation, supply
# chain, innovation, environment, infrastructure). Words, folded; each is stemmed both ways when used.
LISTENING_CONCEPTS: dict[str, tuple[str, ...]] = {
    "workforce": (
        "workforce", "labour", "labor", "hiring", "recruit", "recruitment", "staff", "staffing", "employees",
        "workers", "skills", "training", "apprentices", "welders", "machinists", "technicians", "shortage",
        "oeuvre", "embauche", "embaucher", "recrutement", "recruter", "personnel", "employes",
        "travailleurs", "competences", "formation", "apprentis", "soudeurs", "machinistes", "techniciens",
        "penurie", "salaries", "salaire", "salaires", "wages",
    ),
    "export": (
        "export", "exports", "exporting", "international", "foreign", "markets", "customs", "tariffs",
        "exportation", "exportations", "exporter", "etranger", "marches", "douane", "douanes", "tarifs",
    ),
    "financing": (
        "financing", "funding", "loan", "loans", "credit", "capital", "investment", "grant", "grants",
        "subsidy", "subsidies", "cash", "bank", "financement", "financer", "pret", "prets", "credit",
        "investissement", "subvention", "subventions", "tresorerie", "banque", "liquidites",
    ),
    "regulation": (
        "regulation", "regulations", "regulatory", "compliance", "certification", "permits", "permit",
        "paperwork", "bureaucracy", "standards", "reglementation", "reglementaire", "conformite",
        "permis", "paperasse", "bureaucratie", "normes", "homologation",
    ),
    "supply_chain": (
        "supply", "supplier", "suppliers", "shortages", "materials", "delivery", "deliveries",
        "logistics", "shipping", "delays", "approvisionnement", "fournisseur", "fournisseurs", "materiaux",
        "pieces", "livraison", "livraisons", "logistique", "transport", "delais", "retards",
    ),
    "innovation": (
        "innovation", "research", "development", "prototype", "digital", "automation", "robotics", "patent",
        "recherche", "developpement", "numerique", "automatisation", "robotique", "brevet",
    ),
    "environment": (
        "environment", "environmental", "emissions", "carbon", "energy", "waste", "recycling", "sustainable",
        "climate", "environnement", "environnemental", "carbone", "energie", "dechets", "recyclage",
        "durable", "climat", "decarbonation",
    ),
    "infrastructure": (
        "infrastructure", "infrastructures", "roads", "airport", "broadband", "premises", "aeroport", "locaux",
        "terrain", "batiment",
    ),
}


# Finer subjects a manufacturing cluster's members keep raising, whose French and English words share no stem
# ("titane"/"titanium", "numériser"/"digitise", "rejets"/"emissions"). Taken before the categories: a word
# belongs to one concept, and the finer one keeps a subject's two languages together without pulling every
# text of its category along.
CLUSTER_CONCEPTS: dict[str, tuple[str, ...]] = {
    "materials": (
        "titanium", "titane", "aluminium", "aluminum", "alloys", "alliages", "composites", "forgings",
        "forging", "forgees", "forge", "castings", "moulees", "fonderie", "foundry",
    ),
    "digital": (
        "digital", "digitise", "digitize", "digitisation", "digitization", "digitalisation", "digitalization",
        "numerique", "numeriser", "numerisation", "software", "logiciel", "logiciels", "erp",
    ),
    "emissions": (
        "emissions", "rejets", "solvents", "solvants", "pollution", "pollutants", "polluants", "effluents",
    ),
    "commuting": (
        "transit", "autobus", "shuttle", "navette", "covoiturage", "carpooling", "commuting",
    ),
    "housing": ("housing", "logement", "logements"),
    "networking": ("networking", "reseautage", "maillage"),
    "export_control": (
        "itar", "controlled", "controlees", "registration", "enregistrement",
    ),
}


@dataclass(frozen=True, slots=True)
class Theme:
    """One theme of a result: `id` indexes `ThemeResult.themes`; `names` (language -> phrase, see
    `name_phrases`) is what a person calls it, `keywords` the words that tell it apart, shown to the staff."""

    id: int
    size: int
    keywords: list[str]
    representatives: list[int]      # indices of the texts nearest its centre, nearest first
    names: dict[str, str] = field(default_factory=dict)


@dataclass
class _Space:
    """What turns a text into its lexical vector: fitted on the first texts, reused for new ones."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    components: np.ndarray          # LSA directions, (dimensions, features)
    language_means: dict[str, np.ndarray]
    concepts: dict[str, str]        # stem -> concept id
    embedding_means: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class ThemeModel:
    """Centroids in a fitted space: assigns new texts to the themes found (nearest centroid)."""

    space: _Space
    centroids: np.ndarray           # (themes, dimensions), unit rows
    uses_embeddings: bool

    def vectors(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The texts in this model's space, and whether each has anything to place it by."""
        self._check_vectors(vectors)
        readings = [read_text(t) for t in texts]
        return _embed(readings, self.space, vectors)

    def assign(self, texts: Sequence[str], vectors: np.ndarray | None = None,
               min_similarity: float = MIN_SIMILARITY) -> list[int | None]:
        """The nearest theme of each new text, or None for a text with nothing to place it by or further
        from every centre than `min_similarity` (cosine)."""
        if not len(texts) or not len(self.centroids):
            return [None] * len(texts)
        points, placed = self.vectors(texts, vectors)
        similarity = points @ self.centroids.T
        best = similarity.argmax(axis=1)
        keep = placed & (similarity[np.arange(len(best)), best] >= min_similarity)
        return [int(b) if k else None for b, k in zip(best, keep)]

    def _check_vectors(self, vectors):
        if self.uses_embeddings and vectors is None:
            raise ValueError("this model was fitted with embeddings: pass the new texts' vectors too")
        if not self.uses_embeddings and vectors is not None:
            raise ValueError("this model was fitted without embeddings: pass no vectors")

    def dumps(self) -> bytes:
        """The model as bytes (numpy's npz), to store beside the themes and assign later texts."""
        space = self.space
        arrays = {
            "vocabulary": np.array(sorted(space.vocabulary, key=space.vocabulary.get), dtype=str),
            "idf": space.idf, "components": space.components, "centroids": self.centroids,
            "uses_embeddings": np.array(self.uses_embeddings),
            "concept_stems": np.array(list(space.concepts), dtype=str),
            "concept_ids": np.array(list(space.concepts.values()), dtype=str),
        }
        for prefix, means in (("lang_", space.language_means), ("emb_", space.embedding_means)):
            arrays.update({prefix + language: mean for language, mean in means.items()})
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        return buffer.getvalue()

    @classmethod
    def loads(cls, data: bytes) -> "ThemeModel":
        stored = np.load(io.BytesIO(data), allow_pickle=False)
        space = _Space(
            vocabulary={str(stem): i for i, stem in enumerate(stored["vocabulary"])},
            idf=stored["idf"], components=stored["components"],
            language_means={k[5:]: stored[k] for k in stored.files if k.startswith("lang_")},
            concepts=dict(zip(map(str, stored["concept_stems"]), map(str, stored["concept_ids"]))),
            embedding_means={k[4:]: stored[k] for k in stored.files if k.startswith("emb_")},
        )
        return cls(space, stored["centroids"], bool(stored["uses_embeddings"]))


@dataclass
class ThemeResult:
    """Themes found in texts: `labels[i]` is the theme of text i (None: nothing to place it by)."""

    labels: list[int | None]
    themes: list[Theme]
    model: ThemeModel
    points: np.ndarray              # the texts' vectors, kept to rebuild themes after staff edits
    silhouette: float | None        # of the chosen k, when it was chosen (None when given or trivial)


# ----------------------------------------------------------------------------------------------- reading

@dataclass(frozen=True, slots=True)
class Reading:
    language: str | None
    stems: list[str]                # content words' stems (both languages' when they differ)
    surfaces: list[tuple[str, str]]  # (stem, folded word) for the keywords


def read_text(text: str) -> Reading:
    """A text's language and content-word stems, as theme finding and keyword scoring see it."""
    found = words(text)
    language = _language([w.folded for w in found])
    stems, surfaces = [], []
    for word in found:
        if word.is_stop_word or word.folded in _SKIPPED or len(word.folded) < 2 or word.folded.isdigit():
            continue
        for key in keys(word.folded):
            stems.append(key)
            surfaces.append((key, word.folded))
    return Reading(language, stems, surfaces)


def _language(folded: list[str]) -> str | None:
    """French or English by the marker words a text contains; None when it has none of either."""
    counts = {lang: sum(w in _LANGUAGE_MARKERS[lang] for w in folded) for lang in LANGUAGES}
    if not any(counts.values()):
        return None
    return max(LANGUAGES, key=lambda lang: (counts[lang], lang == "fr"))


def concept_stems(competencies: Sequence = ()) -> dict[str, str]:
    """Stem -> bilingual concept: the listening categories, and the domain (root) of each competency given
    (matching.taxonomy), so a French and an English word of one domain share a feature."""
    concepts: dict[str, str] = {}
    for prefix, lexicon in (("subject:", CLUSTER_CONCEPTS), ("category:", LISTENING_CONCEPTS)):
        for concept, vocabulary in lexicon.items():
            for word in vocabulary:
                for key in keys(word):
                    concepts.setdefault(key, prefix + concept)
    roots = {c.code: c.parent or c.code for c in competencies}
    for competency in competencies:
        root = competency.code
        while roots.get(root, root) != root:
            root = roots[root]
        for term, language in competency.terms():
            for word in words(term):
                if not word.is_stop_word and len(word.folded) > 2 and not word.folded.isdigit():
                    concepts.setdefault(keys(word.folded, language)[0], "domain:" + root)
    return concepts


# ----------------------------------------------------------------------------------------------- vectors

def _counts(readings: Sequence[Reading], vocabulary: Mapping[str, int], concepts: Mapping[str, str]):
    """Sublinear term counts over the vocabulary (stems, then concepts), one row per text."""
    rows, cols, values = [], [], []
    for row, reading in enumerate(readings):
        tally = Counter(reading.stems)
        tally.update({"@" + concepts[s]: CONCEPT_WEIGHT for s in set(reading.stems) if s in concepts})
        for term, count in tally.items():
            column = vocabulary.get(term)
            if column is not None:
                rows.append(row)
                cols.append(column)
                values.append(1.0 + np.log(count) if count >= 1 else count)
    shape = (len(readings), len(vocabulary))
    return sparse.csr_matrix((values, (rows, cols)), shape=shape, dtype=np.float64)


def _fit_space(readings: Sequence[Reading], concepts: dict[str, str], seed: int) -> _Space:
    """Vocabulary (terms in at least two texts), idf, LSA directions and each language's mean."""
    document_frequency = Counter()
    for reading in readings:
        terms = set(reading.stems) | {"@" + concepts[s] for s in reading.stems if s in concepts}
        document_frequency.update(terms)
    minimum = 2 if len(readings) > 2 else 1
    vocabulary = {t: i for i, t in enumerate(sorted(t for t, n in document_frequency.items() if n >= minimum))}
    df = np.array([document_frequency[t] for t in sorted(vocabulary, key=vocabulary.get)], dtype=np.float64)
    idf = np.log((1 + len(readings)) / (1 + df)) + 1.0
    weighted = _normalise_rows(_counts(readings, vocabulary, concepts).multiply(idf).tocsr())
    components = _lsa(weighted, seed)
    space = _Space(vocabulary, idf, components, {}, concepts)
    reduced = _normalise_rows(weighted @ components.T) if components.size else np.zeros((len(readings), 0))
    space.language_means = _means(reduced, [r.language for r in readings])
    return space


def _lsa(matrix: sparse.csr_matrix, seed: int) -> np.ndarray:
    """The top singular directions of the TF-IDF matrix (randomised SVD, deterministic for a seed)."""
    rank = min(LSA_DIMENSIONS, matrix.shape[0] - 1, matrix.shape[1] - 1)
    if rank < 1:
        return np.zeros((0, matrix.shape[1]))
    from sklearn.utils.extmath import randomized_svd

    _, _, components = randomized_svd(matrix, rank, n_iter=5, random_state=seed)
    return components


def _means(points: np.ndarray, languages: Sequence[str | None]) -> dict[str, np.ndarray]:
    """Each language's mean vector, when the texts are in more than one language (else nothing to remove).
    A language with few texts keeps its mean: a mean of one or two texts is those texts, not the language."""
    languages = np.array([lang or "" for lang in languages])
    present = [lang for lang in LANGUAGES if (languages == lang).sum() >= MIN_LANGUAGE_TEXTS]
    if len(present) < 2:
        return {}
    return {lang: points[languages == lang].mean(axis=0) for lang in present}


def _centred(points: np.ndarray, languages: Sequence[str | None], means: Mapping[str, np.ndarray]):
    """Each text minus its language's mean; a text of unknown language minus the mean of the means."""
    if not means:
        return points
    middle = np.mean(list(means.values()), axis=0)
    return points - np.stack([means.get(lang, middle) for lang in languages]) if len(points) else points


def _embed(readings: Sequence[Reading], space: _Space, vectors: np.ndarray | None):
    """Texts as unit vectors in the space, and whether each has anything (a known term or an embedding)."""
    if vectors is not None:
        return _embedded(readings, space, vectors)
    languages = [r.language for r in readings]
    weighted = _normalise_rows(_counts(readings, space.vocabulary, space.concepts).multiply(space.idf).tocsr())
    placed = np.asarray(weighted.getnnz(axis=1) > 0)
    lexical = _normalise_rows(weighted @ space.components.T) if space.components.size else weighted[:, :0].toarray()
    lexical = _normalise_rows(_centred(lexical, languages, space.language_means))
    lexical[~placed] = 0.0
    return lexical, placed


def _embedded(readings: Sequence[Reading], space: _Space, vectors: np.ndarray):
    """Texts as their sentence embeddings, each minus its language's mean (so that a French text and its
    translation are as near as their meanings), unit length; and whether each has a vector."""
    semantic = _normalise_rows(np.asarray(vectors, dtype=np.float64))
    semantic = _normalise_rows(_centred(semantic, [r.language for r in readings], space.embedding_means))
    return semantic, np.linalg.norm(semantic, axis=1) > 0


def _normalise_rows(matrix):
    if sparse.issparse(matrix):
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        return sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ matrix
    matrix = np.asarray(matrix, dtype=np.float64)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=-1, keepdims=True), 1e-12)


# ------------------------------------------------------------------------------------------- clustering

def find_themes(texts: Sequence[str], vectors: np.ndarray | None = None, *, k: int | None = None,
                k_range: tuple[int, int] = DEFAULT_K_RANGE, seed: int = DEFAULT_SEED,
                competencies: Sequence = ()) -> ThemeResult:
    """Themes in `texts`. `vectors` (optional): their sentence embeddings, one row per text, in the same
    order. `k`: the number of themes, else the best silhouette within `k_range`. `competencies`: a
    taxonomy (matching.taxonomy) whose domains become bilingual concepts."""
    texts = list(texts)
    if vectors is not None and len(vectors) != len(texts):
        raise ValueError(f"{len(vectors)} vectors for {len(texts)} texts")
    readings = [read_text(t) for t in texts]
    if vectors is None:
        space = _fit_space(readings, concept_stems(competencies), seed)
    else:   # the embeddings alone place the texts: no lexical space to fit
        space = _Space({}, np.zeros(0), np.zeros((0, 0)), {}, {})
        semantic = _normalise_rows(np.asarray(vectors, dtype=np.float64)) if len(texts) else np.zeros((0, 1))
        space.embedding_means = _means(semantic, [r.language for r in readings])
    points, placed = _embed(readings, space, vectors)
    indices = np.flatnonzero(placed)
    labels = np.full(len(texts), -1)
    silhouette = None
    if len(indices):
        tight = TIGHT_DISTANCE if vectors is None else TIGHT_DISTANCE_EMBEDDED
        labels[indices], silhouette = _cluster(points[indices], k, k_range, seed, tight)
    labels = _by_size(labels)
    model = ThemeModel(space, _centroids(points, labels), vectors is not None)
    return _result(texts, readings, labels, model, points, silhouette)


def _cluster(points: np.ndarray, k: int | None, k_range: tuple[int, int], seed: int, tight: float):
    """Labels of the points, and the silhouette of the chosen k when it was chosen among several.

    Up to HIERARCHY_LIMIT points: average-linkage clustering (cosine), whose tree is cut at each candidate k.
    Bottom-up merging joins first what is nearest — a need and its translation, two wordings of one
    complaint — so these never end up apart as they can with k-means. Beyond, k-means (the tree needs
    the n^2 distances): each candidate tried on a sample, the chosen k refitted on all points."""
    distinct = len(np.unique(points.round(9), axis=0))
    candidates = [max(1, min(k, distinct))] if k is not None else _k_candidates(len(points), distinct, k_range)
    if candidates == [1]:
        return np.zeros(len(points), dtype=int), None
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(len(points), min(len(points), SILHOUETTE_SAMPLE), replace=False))
    if len(points) <= HIERARCHY_LIMIT:
        from scipy.cluster.hierarchy import fcluster, linkage
        from scipy.spatial.distance import pdist

        # A vector that centring left at zero has no direction: as far from everything as can be.
        distances = np.clip(np.nan_to_num(pdist(points, metric="cosine"), nan=1.0), 0.0, 2.0)
        tree = linkage(distances, method="average")
        if k is None:
            candidates = _with_subjects(candidates, fcluster(tree, tight, criterion="distance"),
                                        fcluster(tree, SUBJECT_DISTANCE, criterion="distance"))
        cut = {c: fcluster(tree, c, criterion="maxclust") - 1 for c in candidates}
        return _best_k(points, candidates, sample, lambda c: cut[c][sample], lambda c: cut[c])
    return _best_k(points, candidates, sample, lambda c: _kmeans(points[sample], c, seed, starts=2),
                   lambda c: _kmeans(points, c, seed))


def _best_k(points, candidates, sample, sample_labels, all_labels):
    """The labels of the candidate k with the best silhouette on the sample (cosine)."""
    if len(candidates) == 1:
        return all_labels(candidates[0]), None
    from sklearn.metrics import silhouette_score

    best = None
    for candidate in candidates:
        labels = sample_labels(candidate)
        if len(np.unique(labels)) < 2:
            continue
        score = silhouette_score(points[sample], labels, metric="cosine")
        if best is None or score > best[0] + 1e-9:
            best = (score, candidate)
    if best is None:
        return np.zeros(len(points), dtype=int), None
    return all_labels(best[1]), float(best[0])


def _k_candidates(n: int, distinct: int, k_range: tuple[int, int]) -> list[int]:
    """The k to try: within the range, at most one theme per 3 texts and no more than distinct points."""
    low, high = k_range
    high = min(high, max(1, n // 3), distinct)
    low = max(1, min(low, high))
    return list(range(low, high + 1))


def _with_subjects(candidates: list[int], tight: np.ndarray, subjects: np.ndarray) -> list[int]:
    """The candidate numbers of themes, extended up to the number of distinct subjects when tight groups hold
    most texts (see TIGHT_DISTANCE)."""
    held = sum(size for size in Counter(tight.tolist()).values() if size >= TIGHT_GROUP_SIZE)
    distinct = min(MAX_THEMES, sum(size >= TIGHT_GROUP_SIZE for size in Counter(subjects.tolist()).values()))
    if held < TIGHT_SHARE * len(tight) or distinct <= max(candidates):
        return candidates
    return list(range(min(candidates), distinct + 1))


def _kmeans(points: np.ndarray, k: int, seed: int, starts: int = 4) -> np.ndarray:
    if k <= 1:
        return np.zeros(len(points), dtype=int)
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=starts, random_state=seed).fit_predict(points)


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Theme ids 0, 1, ... from the largest theme down (ties by first text); -1 stays for the unplaced."""
    found = [label for label in dict.fromkeys(labels.tolist()) if label >= 0]
    sizes = Counter(labels.tolist())
    order = sorted(found, key=lambda label: -sizes[label])
    renamed = {old: new for new, old in enumerate(order)}
    return np.array([renamed.get(label, -1) for label in labels.tolist()], dtype=int)


def _centroids(points: np.ndarray, labels: np.ndarray) -> np.ndarray:
    count = int(labels.max()) + 1 if len(labels) else 0
    if not count:
        return np.zeros((0, points.shape[1] if points.ndim == 2 else 0))
    return _normalise_rows(np.stack([points[labels == theme].mean(axis=0) for theme in range(count)]))


def _result(texts, readings, labels, model, points, silhouette) -> ThemeResult:
    themes = []
    keywords = _keywords(readings, labels, len(model.centroids))
    phrases = name_phrases(texts, [int(x) if x >= 0 else None for x in labels], len(model.centroids), limit=1)
    for theme in range(len(model.centroids)):
        members = np.flatnonzero(labels == theme)
        closeness = points[members] @ model.centroids[theme]
        central = members[np.argsort(-closeness, kind="stable")][:REPRESENTATIVES]
        names = {language: found[0].text for language, found in phrases[theme].items() if found}
        themes.append(Theme(theme, len(members), keywords[theme], central.tolist(), names))
    return ThemeResult([int(x) if x >= 0 else None for x in labels], themes, model, points, silhouette)


def _keywords(readings: Sequence[Reading], labels: np.ndarray, count: int) -> list[list[str]]:
    """Per theme, the words that tell it apart: stems far more frequent in it than elsewhere (a smoothed
    ratio times their frequency in it), each shown as the word it most often comes from, in either language."""
    inside = [Counter() for _ in range(count)]
    surfaces = [{} for _ in range(count)]
    overall = Counter()
    for reading, label in zip(readings, labels):
        present = set(reading.stems)
        overall.update(present)
        if label >= 0:
            inside[label].update(present)
            for stem, word in reading.surfaces:
                surfaces[label].setdefault(stem, Counter())[word] += 1
    return [theme_keywords(inside[t], overall, surfaces[t], int((labels == t).sum()), len(readings))
            for t in range(count)]


def theme_keywords(inside: Counter, overall: Counter, surfaces: dict, size: int, total: int) -> list[str]:
    """The words that tell one theme apart: `inside`/`overall` count texts per stem in the theme and in all
    `total` texts, `surfaces` maps a stem to the words it came from, `size` is the theme's text count."""
    size, rest = max(1, size), max(1, total - size)

    def score(stem):
        share_in, share_out = inside[stem] / size, (overall[stem] - inside[stem] + 1) / (rest + 1)
        return share_in * np.log(share_in / share_out)

    chosen = []
    for stem in sorted(inside, key=lambda s: (-score(s), s)):
        if score(stem) <= 0:
            break
        if inside[stem] < 2 < size:
            continue
        word = surfaces[stem].most_common(1)[0][0]
        if word not in chosen:
            chosen.append(word)
        if len(chosen) == KEYWORDS:
            break
    return chosen


# ----------------------------------------------------------------------------------------------- names

@dataclass(frozen=True, slots=True)
class Phrase:
    """A phrase as its texts most often write it (accents and case kept, first letter capitalised), and the
    indices of the texts that hold it (so a caller can count who wrote it)."""

    text: str
    texts: tuple[int, ...]


def name_phrases(texts: Sequence[str], labels: Sequence[int | None], count: int | None = None,
                 limit: int = PHRASES) -> list[dict[str, list[Phrase]]]:
    """Per theme (0 .. count-1), per language of its texts, the phrases that name it best first: runs of up to
    PHRASE_WORDS words of one clause, starting and ending with a content word, holding 1 to 3 of them,
    compared by their stems ("délai de livraison" meets "délais de livraison"). A phrase scores like a
    keyword (far more frequent in the theme than in the other texts of its language), more when longer, and
    ties go to the phrase that comes earliest in its texts (subjects come first), then alphabetically, so the
    same texts always give the same names. A phrase in one text only is not a name when the theme has more."""
    if count is None:
        count = max((label for label in labels if label is not None), default=-1) + 1
    inside = [{} for _ in range(count)]                      # theme -> language -> Counter(key)
    overall: dict[str, Counter] = {}
    totals, sizes = Counter(), Counter()
    seen: dict[tuple, _Seen] = {}                            # (theme, language, key) -> where and how written
    for index, (text, label) in enumerate(zip(texts, labels)):
        language, found = _phrases(text)
        totals[language] += 1
        overall.setdefault(language, Counter()).update(found.keys())
        if label is None:
            continue
        sizes[(label, language)] += 1
        inside[label].setdefault(language, Counter()).update(found.keys())
        for key, (surface, position, bound) in found.items():
            where = seen.get((label, language, key))
            if where is None:
                where = seen[(label, language, key)] = _Seen(bound)
            where.texts.append(index)
            where.forms[surface] += 1
            where.positions += position
    named = []
    for theme in range(count):
        by_language = {}
        for language, tally in sorted(inside[theme].items()):
            size, rest = sizes[(theme, language)], max(1, totals[language] - sizes[(theme, language)])
            scored = []
            for key, held in tally.items():
                if held < 2 < size:
                    continue
                share_in = held / size
                share_out = (overall[language][key] - held + 1) / (rest + 1)
                if share_in <= share_out:
                    continue
                where = seen[(theme, language, key)]
                value = share_in * math.log(share_in / share_out) * PHRASE_LENGTH_WEIGHT[key[2] - 1] * where.bound
                scored.append((-round(value, 9), where.positions / held, key))
            scored.sort()
            by_language[language] = [
                Phrase(_capitalised(seen[(theme, language, key)].forms.most_common(1)[0][0]),
                       tuple(seen[(theme, language, key)].texts)) for _value, _position, key in scored[:limit]]
        named.append(by_language)
    return named


@dataclass(slots=True)
class _Seen:
    """Where a phrase was seen in one theme and language: its texts, how it was written, its positions."""

    bound: float
    texts: list[int] = field(default_factory=list)
    forms: Counter = field(default_factory=Counter)
    positions: int = 0


def _phrases(text: str) -> tuple[str, dict[tuple, tuple[str, int, float]]]:
    """A text's language and candidate phrases: key (all words' stems, content words' stems, how many content
    words a reader counts) -> (its words as written here, its position in words, its weight as a noun phrase:
    PHRASE_START_WEIGHT, PHRASE_END_WEIGHT)."""
    found = words(text)
    language = _language([w.folded for w in found]) or _guessed_language(text)
    content = [not (w.is_stop_word or w.folded in _NOT_NAMING or len(w.folded) < 2 or w.folded.isdigit()
                    or (language == "fr" and _french_verb(w.folded))) for w in found]
    stems = [stem_word(w.folded, language) if len(w.folded) > 1 else "" for w in found]
    # Between word i-1 and word i: one clause (nothing but spaces, hyphens, apostrophes), one compound word.
    gaps = [text[found[i - 1].end:found[i].start] if i else "." for i in range(len(found))]
    joined = [all(c.isspace() or c in "-'’&/" for c in gap) for gap in gaps]
    compound = [bool(gap) and all(c in "-'’" for c in gap) for gap in gaps]
    after = len(found)
    phrases = {}
    for start in range(after):
        if not content[start] or compound[start]:
            continue
        opens = not (joined[start] and content[start - 1])
        counted = 0
        for end in range(start, min(after, start + PHRASE_WORDS)):
            if end > start and not joined[end]:
                break
            counted += content[end] and (end == start or not compound[end])
            if counted > PHRASE_CONTENT_WORDS:
                break
            if not content[end] or (end + 1 < after and compound[end + 1]):
                continue
            closes = end + 1 == after or not (joined[end + 1] and content[end + 1])
            key = (tuple(s for s in stems[start:end + 1] if s),
                   tuple(stems[i] for i in range(start, end + 1) if content[i]), counted)
            if key not in phrases:
                bound = (PHRASE_START_WEIGHT if opens else 1.0) * (PHRASE_END_WEIGHT if closes else 1.0)
                phrases[key] = (" ".join(text[found[start].start:found[end].end].split()), start, bound)
    return language, phrases


def _guessed_language(text: str) -> str:
    """The language of a text without marker words ("Titanium lead times now exceed 40 weeks."), for its
    phrases: French when it has French accents, else English."""
    return "fr" if any(c in "àâçéèêëîïôûùüÿœ" for c in text.lower()) else "en"


def _french_verb(folded: str) -> bool:
    """A French verb in the third person plural ("dépassent", "exigent"): a name ends on what is talked about,
    not on what it does. Nouns in -ment ("recrutement") and short words ("client", "agent") are not taken."""
    return len(folded) > 6 and folded.endswith("ent") and not folded.endswith("ment")


def _capitalised(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


# ------------------------------------------------------------------------------------------ staff edits

def relabel(result: ThemeResult, texts: Sequence[str], labels: Sequence[int | None]) -> ThemeResult:
    """Themes rebuilt from labels the staff edited (a text reassigned, themes merged or split): centroids,
    sizes, keywords and representatives follow; empty themes disappear and ids are renumbered by size."""
    labels = _by_size(np.array([-1 if x is None else int(x) for x in labels], dtype=int))
    readings = [read_text(t) for t in texts]
    model = ThemeModel(result.model.space, _centroids(result.points, labels), result.model.uses_embeddings)
    return _result(list(texts), readings, labels, model, result.points, None)


def merge_themes(result: ThemeResult, texts: Sequence[str], theme_ids: Sequence[int]) -> ThemeResult:
    """The themes `theme_ids` made one."""
    into = min(theme_ids)
    merged = [into if label in set(theme_ids) else label for label in result.labels]
    return relabel(result, texts, merged)


def split_theme(result: ThemeResult, texts: Sequence[str], theme_id: int, parts: int = 2,
                seed: int = DEFAULT_SEED) -> ThemeResult:
    """One theme cut into `parts` by k-means on its own texts."""
    members = [i for i, label in enumerate(result.labels) if label == theme_id]
    pieces = _kmeans(result.points[members], min(parts, len(members)), seed)
    labels = list(result.labels)
    fresh = len(result.themes)
    for index, piece in zip(members, pieces):
        labels[index] = theme_id if piece == 0 else fresh + int(piece) - 1
    return relabel(result, texts, labels)


# ------------------------------------------------------------------------------------------- embeddings

def encode_texts(texts: Sequence[str], encoder, progress=None) -> np.ndarray:
    """Sentence embeddings of texts, one row each, by an encoder of matching.embeddings (its `encode_text`:
    E5's "query: " side, the one meant for comparing texts with each other). Slow for E5 (some 20 texts/s
    on two cores): the caller caches the rows by text. `progress(done, total)` is called along the way."""
    rows = []
    for done, text in enumerate(texts, start=1):
        rows.append(encoder.encode_text(text or ""))
        if progress is not None and (done % 100 == 0 or done == len(texts)):
            progress(done, len(texts))
    return np.stack(rows).astype(np.float32) if rows else np.zeros((0, getattr(encoder, "dim", 0)), np.float32)
