"""Competencies as the engine knows them, read from taxonomy nodes.

A taxonomy is a list of nested nodes `{code, fr, en, synonyms_fr, synonyms_en, children}`: the format of
Grappe's shipped file (grappe/members/data/taxonomy.yaml), of a cluster's own file, and of the ESCO skills
the benchmark loads. `competencies_from_nodes` is the one way such nodes become competencies, so what is
measured on ESCO is what runs on Grappe's taxonomy.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Competency:
    code: str
    label_fr: str
    label_en: str
    synonyms_fr: tuple[str, ...] = ()
    synonyms_en: tuple[str, ...] = ()
    parent: str | None = None

    def terms(self) -> Iterator[tuple[str, str]]:
        """Every name of the competency with its language: labels first, then synonyms; none twice."""
        seen = set()
        named = [(self.label_fr, "fr"), (self.label_en, "en")]
        named += [(s, "fr") for s in self.synonyms_fr] + [(s, "en") for s in self.synonyms_en]
        for text, language in named:
            text = (text or "").strip()
            if text and (text.lower(), language) not in seen:
                seen.add((text.lower(), language))
                yield text, language


def _names(value) -> tuple[str, ...]:
    """Synonyms may come as a list or as one string with one name per line."""
    if not value:
        return ()
    if isinstance(value, str):
        value = value.splitlines()
    return tuple(str(v).strip() for v in value if str(v).strip())


def competencies_from_nodes(nodes: Iterable[dict], parent: str | None = None) -> list[Competency]:
    """Every node of a taxonomy, depth first (a domain before its children), as competencies."""
    found = []
    for node in nodes:
        found.append(Competency(
            code=str(node["code"]),
            label_fr=str(node.get("fr") or ""),
            label_en=str(node.get("en") or ""),
            synonyms_fr=_names(node.get("synonyms_fr")),
            synonyms_en=_names(node.get("synonyms_en")),
            parent=parent,
        ))
        found.extend(competencies_from_nodes(node.get("children") or [], parent=str(node["code"])))
    return found
