"""Opportunity inference: do the competencies Grappe infers from a tender, a call or a post match a buyer's?

Runs the inference as partnering runs it (matching.inference.CompetencyIndex over the shipped taxonomy, every
domain and capability, as grappe/partnering/engine.py builds it from the loaded taxonomy; the first 12
answers, as the opportunity page proposes them) on every text of bench/data/opportunities.csv, and compares
them with the codes a buyer expects (column expected_codes).

What counts, per text (E the expected codes, I the inferred ones):
- an expected capability is covered when it is inferred;
- an expected *domain* (a need any of its capabilities will do: "contrôle non destructif", "surface
  treatment") is covered when the domain itself is inferred (a domain-level need) or any capability under it
  (a refinement of that need);
- an inferred code is right when it is expected, when it refines an expected domain (a capability under
  it), or when it is the domain of an expected capability (vaguer, but not another need); anything else is
  wrong.

Figures, in French and English separately: need recall (covered / expected), precision (right / inferred)
and the share of texts fully covered (every expected need covered). The set has a dev split (rules are
tuned on it), a test split (reported) and a holdout split (written and labelled after the rules were set,
before any run; reported); `--split all` reads them all. Lines of the file starting with "#" are notes (the
labelling rule).

    .venv/bin/python bench/opportunity_inference.py [--split test|holdout|dev|all] [--show]
"""

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import figure_at_least  # noqa: E402
from grappe.members.taxonomy_file import read_taxonomy  # noqa: E402
from matching.inference import CompetencyIndex  # noqa: E402
from matching.taxonomy import competencies_from_nodes  # noqa: E402

DATA = ROOT / "bench" / "data" / "opportunities.csv"
SHOWN = 12  # grappe.partnering.services.opportunities.INFERRED_SHOWN
TARGETS = {"need recall": 95, "precision": 90, "texts fully covered": 90}


def read_set(split: str) -> list[dict]:
    with open(DATA, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    return [row for row in rows if split == "all" or row["split"] == split]


def judge(expected: set[str], inferred: list[str], parent: dict[str, str | None]
          ) -> tuple[int, int, bool, list, list]:
    """(needs covered, inferred right, fully covered, needs missed, codes wrong) for one text."""
    def covers(need: str) -> bool:
        return need in inferred or (parent[need] is None and any(parent[code] == need for code in inferred))

    def right(code: str) -> bool:
        return code in expected or parent[code] in expected or any(parent[need] == code for need in expected)

    missed = [need for need in sorted(expected) if not covers(need)]
    wrong = [code for code in inferred if not right(code)]
    return len(expected) - len(missed), len(inferred) - len(wrong), not missed, missed, wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("test", "holdout", "dev", "all"), default="test")
    parser.add_argument("--show", action="store_true", help="print every text's misses and wrong codes")
    args = parser.parse_args()
    competencies = competencies_from_nodes(read_taxonomy())
    parent = {c.code: c.parent for c in competencies}
    index = CompetencyIndex(competencies)
    rows = read_set(args.split)
    unknown = {code for row in rows for code in row["expected_codes"].split()} - set(parent)
    if unknown:
        sys.exit(f"Codes not in the taxonomy: {', '.join(sorted(unknown))}")
    totals = defaultdict(lambda: [0, 0, 0, 0, 0, 0])  # expected, covered, inferred, right, texts, full
    for row in rows:
        expected = set(row["expected_codes"].split())
        inferred = [item.code for item in index.infer(row["text"], top_k=SHOWN)]
        covered, right, full, missed, wrong = judge(expected, inferred, parent)
        total = totals[row["language"]]
        for position, value in enumerate((len(expected), covered, len(inferred), right, 1, full)):
            total[position] += value
        if args.show and (missed or wrong):
            print(f"{row['id']}: missed {' '.join(missed) or '-'} | wrong {' '.join(wrong) or '-'}")
    met = True
    for language in ("fr", "en"):
        expected, covered, inferred, right, texts, full = totals[language]
        detail = f"{args.split} split, {texts} texts, {expected} needs, {inferred} inferred"
        values = {"need recall": 100 * covered / max(expected, 1), "precision": 100 * right / max(inferred, 1),
                  "texts fully covered": 100 * full / max(texts, 1)}
        for name, value in values.items():
            met &= figure_at_least(f"opportunity inference, {language.upper()}: {name}", value, "%",
                                   TARGETS[name], detail)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
