"""ESCO linking: how well the competency inference engine finds a skill from its description.

Loads the European Commission's ESCO skills (13,485, French and English labels; "This service uses the ESCO
classification of the European Commission") as taxonomy nodes, turns them into competencies through
`matching.taxonomy.competencies_from_nodes` (the code path Grappe's own taxonomy takes) and links each
description of a queries CSV (columns concept_uri, description_en; by default the dev rows of the skills
file) to the engine's ranked skills. Measured in the same run: a plain TF-IDF baseline (scikit-learn's
TfidfVectorizer over each skill's labels, cosine).

    .venv/bin/python bench/esco_linking.py [--queries PATH] [--encoders lexical,wordllama,e5] [--limit N]
    .venv/bin/python bench/esco_linking.py --fit [--encoders ...]     # re-ranker weights, 5-fold figures

Prints recall@1, recall@5, mean reciprocal rank (over the first 10) and descriptions per second for each
configuration, the engine's first and the baseline's on the last line. The engine's first stage was set by
hand; its re-ranker (matching/rerank.py) combines a dozen generic signals with one weight each, fitted by
`--fit` on the dev descriptions. `--fit` reports the figure that counts for them: 5-fold cross-validation
over skills (each fold's descriptions ranked with weights fitted on the other four), then writes the weights
fitted on every dev description to matching/rerank_weights.json. A plain run on the dev rows therefore ranks
descriptions the weights saw (an in-sample figure, a point or so above the k-fold one); on held-out
descriptions (`--queries`) it is the honest figure.

With an encoder, each description's query vector is computed once and kept in the encoder's cache directory
(as the product stores a text's vector when it is written): descriptions per second are then the engine's own
work (lexical stage, similarity to every name, re-ranking), and the encoding's throughput is printed while the
cache is filled.
"""

import argparse
import csv
import hashlib
import json
import os
import zlib
import sys
import time
from pathlib import Path

# One description at a time, as a web request would: BLAS threads only fight each other over a small product.
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.embeddings import available, load_encoder
from matching.inference import CompetencyIndex
from matching.rerank import WEIGHTS_FILE, feature_names
from matching.taxonomy import competencies_from_nodes

SKILLS = ROOT.parent / "shared" / "data" / "esco" / "skills_fr_en.csv"
DEPTH = 10  # ranks kept per description: recall@1, recall@5 and MRR@10 are read from them


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _names(value: str) -> list[str]:
    return [name.strip() for name in (value or "").split(" | ") if name.strip()]


def esco_nodes(rows: list[dict]) -> list[dict]:
    """ESCO skills as taxonomy nodes (a flat list: the file carries no hierarchy)."""
    return [{"code": row["concept_uri"], "fr": row["label_fr"], "en": row["label_en"],
             "synonyms_fr": _names(row["alt_labels_fr"]), "synonyms_en": _names(row["alt_labels_en"])}
            for row in rows]


def read_queries(path: Path | None, skills: list[dict]) -> list[tuple[str, str]]:
    rows = read_rows(path) if path else [r for r in skills if r.get("split") == "dev"]
    return [(r["concept_uri"], r["description_en"]) for r in rows if (r.get("description_en") or "").strip()]


def measure(name: str, rank, queries: list[tuple[str, str]]) -> dict:
    """Run `rank(description) -> codes, best first` over every query; recall, MRR and speed."""
    positions = []
    started, cpu = time.perf_counter(), time.process_time()
    for code, description in queries:
        ranked = rank(description)
        positions.append(ranked.index(code) + 1 if code in ranked else 0)
    result = _figures(name, np.array(positions), len(queries) / (time.perf_counter() - started))
    result["cpu_per_second"] = len(queries) / max(time.process_time() - cpu, 1e-9)
    return result


def _figures(name: str, positions: np.ndarray, per_second: float) -> dict:
    """Recall and MRR from the rank of each gold skill (0: not among the first DEPTH)."""
    found = (positions > 0) & (positions <= DEPTH)
    return {
        "name": name,
        "recall@1": float(np.mean(positions == 1)),
        "recall@5": float(np.mean(found & (positions <= 5))),
        "mrr@10": float(np.mean(np.where(found, 1.0 / np.maximum(positions, 1), 0.0))),
        "per_second": per_second,
    }


FOLDS = 5


def fit_reranker(competencies, encoder_name: str, encoder, queries: list[tuple[str, str]]) -> dict:
    """K-fold figures of the re-ranker over skills, then its weights fitted on every description (saved)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    started = time.perf_counter()
    index = CompetencyIndex(competencies, encoder=encoder, rerank=False)
    print(f"# index {encoder_name}: built in {time.perf_counter() - started:.1f} s", flush=True)
    codes = np.array([c.code for c in competencies])
    started = time.perf_counter()
    blocks = []
    for code, description in queries:
        candidates, features = index.rerank_features(description)
        blocks.append((features, codes[candidates] == code))
    print(f"# {encoder_name}: features of {len(queries)} descriptions in {time.perf_counter() - started:.0f} s",
          flush=True)
    # A description belongs to one skill: folds by skill, so a fold's skills are never seen while fitting.
    fold = np.array([zlib.crc32(code.encode()) % FOLDS for code, _ in queries])

    def fitted(rows: np.ndarray) -> np.ndarray:
        features = np.vstack([blocks[i][0] for i in rows])
        gold = np.concatenate([blocks[i][1] for i in rows])
        scaler = StandardScaler().fit(features)
        model = LogisticRegression(max_iter=5000).fit(scaler.transform(features), gold)
        return model.coef_[0] / np.maximum(scaler.scale_, 1e-12)    # weights of the raw features

    positions = np.zeros(len(queries), dtype=int)
    for held_out in range(FOLDS):
        weights = fitted(np.flatnonzero(fold != held_out))
        for i in np.flatnonzero(fold == held_out):
            features, gold = blocks[i]
            if gold.any():
                learned = features @ weights
                order = np.lexsort((np.arange(len(learned)), -learned))
                rank = int(np.flatnonzero(gold[order])[0]) + 1
                positions[i] = rank if rank <= DEPTH else 0
    result = _figures(f"engine ({_config(encoder_name)}) {FOLDS}-fold", positions, float("nan"))
    weights = fitted(np.arange(len(queries)))
    name = "lexical" if encoder is None else encoder.name
    stored = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8")) if WEIGHTS_FILE.exists() else {}
    stored[name] = {"fitted_on": f"{len(queries)} ESCO dev descriptions; {FOLDS}-fold over skills: "
                                 f"recall@1 {result['recall@1']:.3f}, recall@5 {result['recall@5']:.3f}, "
                                 f"MRR {result['mrr@10']:.3f}",
                    "weights": {f: round(float(w), 6) for f, w in zip(feature_names(encoder is not None), weights)}}
    WEIGHTS_FILE.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return result


class KnownQueries:
    """An encoder whose query vectors for the benchmark's descriptions were computed once and kept on disk.

    A transformer such as E5 reads a few descriptions a second on a loaded machine: encoding the 6,636 dev
    descriptions at every run (and twice with `--fit`'s features) would take most of an hour. Any other text
    goes to the encoder as usual. Everything else (names, their cache, the weight) is the encoder's own.
    """

    def __init__(self, encoder, texts: list[str]):
        self._encoder = encoder
        texts = list(dict.fromkeys(texts))
        self._vectors = dict(zip(texts, _query_vectors(encoder, texts)))

    def __getattr__(self, attribute):
        return getattr(self._encoder, attribute)

    def encode_text(self, text: str) -> np.ndarray:
        known = self._vectors.get(text)
        return known if known is not None else self._encoder.encode_text(text)


def _query_vectors(encoder, texts: list[str]) -> np.ndarray:
    """The texts' query vectors, read from the encoder's cache directory or encoded there (the work done so far
    is saved every few hundred texts, so an interrupted run resumes where it stopped)."""
    digest = hashlib.sha256("\n".join([encoder.name, "query", *texts]).encode("utf-8")).hexdigest()[:32]
    path = Path(encoder.cache_dir) / f"{encoder.name}-queries-{digest}.npy" if encoder.cache_dir else None
    if path is not None and path.exists():
        return np.load(path)
    partial = path.with_suffix(".partial.npy") if path is not None else None
    done = list(np.load(partial)) if partial is not None and partial.exists() else []
    resumed, started, cpu = len(done), time.perf_counter(), time.process_time()
    for text in texts[resumed:]:
        done.append(encoder.encode_text(text))
        if partial is not None and (len(done) % 250 == 0 or len(done) == len(texts)):
            partial.parent.mkdir(parents=True, exist_ok=True)
            np.save(partial.with_suffix(".tmp.npy"), np.stack(done))
            partial.with_suffix(".tmp.npy").replace(partial)
            encoded = len(done) - resumed
            print(f"# {encoder.name}: {len(done)}/{len(texts)} descriptions encoded, "
                  f"{encoded / (time.perf_counter() - started):.1f}/s "
                  f"({encoded / max(time.process_time() - cpu, 1e-9):.1f}/s in CPU time)", flush=True)
    vectors = np.stack(done) if done else np.zeros((0, encoder.dim), np.float32)
    if path is not None:
        np.save(path, vectors)
        partial.unlink(missing_ok=True)
    return vectors


def _config(encoder_name: str) -> str:
    return encoder_name if encoder_name == "lexical" else f"lexical+{encoder_name}"


def _encoder(name: str, queries: list[tuple[str, str]]):
    """None for the lexical engine, else the encoder with the descriptions' vectors computed once."""
    return None if name == "lexical" else KnownQueries(load_encoder(name), [text for _, text in queries])


def engine_ranker(competencies, encoder_name: str, encoder):
    started = time.perf_counter()
    index = CompetencyIndex(competencies, encoder=encoder)
    print(f"# index {encoder_name}: built in {time.perf_counter() - started:.1f} s", flush=True)
    return lambda text: [item.code for item in index.infer(text, top_k=DEPTH, min_coverage=0)]


def tfidf_ranker(nodes: list[dict]):
    """The baseline: each skill's labels and alternative labels (both languages) as one TF-IDF document."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    documents = [" ".join([n["en"], n["fr"], *n["synonyms_en"], *n["synonyms_fr"]]) for n in nodes]
    vectorizer = TfidfVectorizer()
    matrix = vectorizer.fit_transform(documents).T.tocsr()
    codes = np.array([n["code"] for n in nodes])

    def rank(text: str) -> list[str]:
        scores = (vectorizer.transform([text]) @ matrix).toarray().ravel()
        best = np.argpartition(-scores, DEPTH)[:DEPTH]
        return list(codes[best[np.lexsort((best, -scores[best]))]])

    return rank


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skills", type=Path, default=SKILLS)
    parser.add_argument("--queries", type=Path, default=None, help="CSV with concept_uri,description_en")
    parser.add_argument("--encoders", default="lexical,wordllama",
                        help="engine configurations, comma-separated: lexical, wordllama, e5 (slow)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N descriptions")
    parser.add_argument("--fit", action="store_true",
                        help=f"fit the re-ranker's weights ({FOLDS}-fold figures, then saved to {WEIGHTS_FILE.name})")
    args = parser.parse_args()

    skills = read_rows(args.skills)
    nodes = esco_nodes(skills)
    every = read_queries(args.queries, skills)
    queries = every[: args.limit or None]
    competencies = competencies_from_nodes(nodes)
    print(f"# {len(competencies)} skills, {len(queries)} descriptions", flush=True)

    results = []
    for name in args.encoders.split(","):
        if name != "lexical" and not available(name):
            print(f"# {name}: package not installed, skipped", flush=True)
            continue
        encoder = _encoder(name, every)     # every description of the file: `--limit` reads the same cache
        if args.fit:
            results.append(fit_reranker(competencies, name, encoder, queries))
        else:
            results.append(measure(f"engine ({_config(name)})", engine_ranker(competencies, name, encoder), queries))
        print("# " + _line(results[-1]), flush=True)
    results.append(measure("TF-IDF baseline (labels)", tfidf_ranker(nodes), queries))
    for result in results:
        print(_line(result))


def _line(result: dict) -> str:
    speed = "" if np.isnan(result["per_second"]) else f"  {result['per_second']:.0f} descriptions/s"
    if "cpu_per_second" in result:   # on a shared machine, wall clock moves with the load; CPU time much less
        speed += f" ({result['cpu_per_second']:.0f}/s in CPU time)"
    return (f"{result['name']:32s} recall@1 {result['recall@1']:.3f}  recall@5 {result['recall@5']:.3f}  "
            f"MRR {result['mrr@10']:.3f}{speed}")

if __name__ == "__main__":
    main()
