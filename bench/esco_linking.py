"""ESCO linking: how well the competency inference engine finds a skill from its description.

Loads the European Commission's ESCO skills (13,485, French and English labels; "This service uses the ESCO
classification of the European Commission") as taxonomy nodes, turns them into competencies through
`matching.taxonomy.competencies_from_nodes` (the code path Grappe's own taxonomy takes) and links each
description of a queries CSV (columns concept_uri, description_en; by default the dev rows of the skills
file) to the engine's ranked skills. Measured in the same run: a plain TF-IDF baseline (scikit-learn's
TfidfVectorizer over each skill's labels, cosine).

    .venv/bin/python bench/esco_linking.py [--queries PATH] [--encoders lexical,wordllama,e5] [--limit N]

Prints recall@1, recall@5, mean reciprocal rank (over the first 10) and descriptions per second for each
configuration, the engine's first and the baseline's on the last line. Nothing is fitted on the
descriptions: the engine's weights were set by hand once, and the same script runs on held-out descriptions.
"""

import argparse
import csv
import os
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
    started = time.perf_counter()
    for code, description in queries:
        ranked = rank(description)
        positions.append(ranked.index(code) + 1 if code in ranked else 0)
    elapsed = time.perf_counter() - started
    positions = np.array(positions)
    found = positions > 0
    return {
        "name": name,
        "recall@1": float(np.mean(positions == 1)),
        "recall@5": float(np.mean(found & (positions <= 5))),
        "mrr@10": float(np.mean(np.where(found, 1.0 / np.maximum(positions, 1), 0.0))),
        "per_second": len(queries) / elapsed,
    }


def engine_ranker(competencies, encoder_name: str):
    encoder = None if encoder_name == "lexical" else load_encoder(encoder_name)
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
    args = parser.parse_args()

    skills = read_rows(args.skills)
    nodes = esco_nodes(skills)
    queries = read_queries(args.queries, skills)[: args.limit or None]
    competencies = competencies_from_nodes(nodes)
    print(f"# {len(competencies)} skills, {len(queries)} descriptions", flush=True)

    results = []
    for name in args.encoders.split(","):
        if name != "lexical" and not available(name):
            print(f"# {name}: package not installed, skipped", flush=True)
            continue
        results.append(measure(f"engine ({name})" if name == "lexical" else f"engine (lexical+{name})",
                               engine_ranker(competencies, name), queries))
        print("# " + _line(results[-1]), flush=True)
    results.append(measure("TF-IDF baseline (labels)", tfidf_ranker(nodes), queries))
    for result in results:
        print(_line(result))


def _line(result: dict) -> str:
    return (f"{result['name']:32s} recall@1 {result['recall@1']:.3f}  recall@5 {result['recall@5']:.3f}  "
            f"MRR {result['mrr@10']:.3f}  {result['per_second']:.0f} descriptions/s")

if __name__ == "__main__":
    main()
