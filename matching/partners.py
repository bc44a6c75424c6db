"""What the partnering engine knows about an organisation, and an index of many of them.

The partnering app builds `Candidate`s from the database; nothing here touches it. `PartnerIndex` turns a
cluster's candidates into sparse matrices once (organisations x competencies, x certifications, x declared
needs) so that each analysis is a few column slices and vector operations instead of a Python loop over
thousands of organisations.
"""

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from . import mentions

CORE = "core"
SECONDARY = "secondary"
LEVEL_VALUE = {SECONDARY: 1, CORE: 2}  # the value a holding takes in PartnerIndex.levels

RESEARCH_KINDS = frozenset({"university", "college", "research"})
COMPANY_KINDS = frozenset({"prime", "tier1", "tier2", "tier3", "sme", "mro", "services", "other"})
# Canada's definition of a small or medium-sized enterprise: fewer than 500 employees.
SME_SIZE_BANDS = frozenset({"1-9", "10-49", "50-199", "200-499"})

DEFAULT_COMPETITOR_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Need:
    """A competency an opportunity needs; a must-have decides between going alone and partnering."""

    code: str
    must_have: bool = True


@dataclass(frozen=True, slots=True)
class Holding:
    """An organisation's competency: `level` is "core" or "secondary"; `evidence` says what shows it;
    `domain`, the code of the domain it belongs to (what a domain-level need is covered by)."""

    code: str
    level: str = CORE
    evidence: str = ""
    domain: str = ""


@dataclass(frozen=True)
class Candidate:
    """An organisation as partnering sees it.

    `needs`: the competency codes it declared it needs or is interested in (what makes a partnership
    reciprocal). `competitor_of`: ids of organisations it declared as direct competitors.
    `certification_scopes`: the scope written on a certification, by certification code, when there is one.
    """

    id: Hashable
    name: str
    kind: str
    size_band: str = ""
    region: str = ""
    holdings: Mapping[str, Holding] = field(default_factory=dict)
    certifications: Collection[str] = frozenset()
    needs: Collection[str] = frozenset()
    competitor_of: Collection[Hashable] = frozenset()
    certification_scopes: Mapping[str, str] = field(default_factory=dict)

    @property
    def core_codes(self) -> frozenset[str]:
        return frozenset(code for code, holding in self.holdings.items() if holding.level == CORE)

    @property
    def is_sme(self) -> bool:
        """An SME by kind, or a company with fewer than 500 employees."""
        return self.kind == "sme" or (self.kind in COMPANY_KINDS and self.size_band in SME_SIZE_BANDS)

    @property
    def is_research(self) -> bool:
        """A university, a college or a research centre."""
        return self.kind in RESEARCH_KINDS


EVIDENCE = "evidence"
CERTIFICATION = "certification"


@dataclass(frozen=True, slots=True)
class MaterialMention:
    """A material an organisation names in its own words: in the evidence of one of its capabilities
    (`source` EVIDENCE, `code` the capability's) or the scope of a certification (CERTIFICATION)."""

    material: str
    source: str
    code: str


def material_mentions(candidate: Candidate) -> tuple[MaterialMention, ...]:
    """Every material the candidate's evidence and certification scopes name, each text read once."""
    texts = [*((EVIDENCE, code, h.evidence) for code, h in candidate.holdings.items()),
             *((CERTIFICATION, code, scope) for code, scope in candidate.certification_scopes.items())]
    maybe = mentions.may_name_materials([text for _source, _code, text in texts]) if texts else []
    return tuple(MaterialMention(found.code, source, code) for source, code, text in (texts[i] for i in maybe)
                 for found in mentions.materials(text))


def core_overlap_share(shared: int, core_a: int, core_b: int) -> float:
    """The share of the two organisations' core competencies that both hold (Jaccard index).

    Symmetric, and a prime with forty core competencies is not made the competitor of every small shop
    that does four of them.
    """
    union = core_a + core_b - shared
    return shared / union if union else 0.0


def size_ranks(candidates: Sequence[Candidate], size_bands: Sequence[str]) -> np.ndarray:
    """Each candidate's size band as its position in `size_bands` (smallest first), -1 when unknown."""
    rank_of = {band: rank for rank, band in enumerate(size_bands)}
    return np.array([rank_of.get(candidate.size_band, -1) for candidate in candidates], dtype=np.int64)


class PartnerIndex:
    """Candidates as sparse matrices, built once and reused by every analysis.

    `levels[i, j]` is 2 when candidate i holds competency j at core level, 1 at secondary level, 0 otherwise.
    """

    def __init__(self, candidates: Sequence[Candidate]):
        self.candidates = tuple(candidates)
        self.row_of = {candidate.id: row for row, candidate in enumerate(self.candidates)}
        if len(self.row_of) != len(self.candidates):
            raise ValueError("Two candidates have the same id.")
        codes = sorted({code for c in self.candidates for code in (*c.holdings, *c.needs)})
        self.competency_column = {code: column for column, code in enumerate(codes)}
        certifications = sorted({code for c in self.candidates for code in c.certifications})
        self.certification_column = {code: column for column, code in enumerate(certifications)}
        self.levels = self._matrix(
            ((self.competency_column[code], LEVEL_VALUE[h.level]) for code, h in c.holdings.items())
            for c in self.candidates
        ).astype(np.uint8).tocsc()
        self.core = (self.levels == LEVEL_VALUE[CORE]).astype(np.float32).tocsr()
        self.core_counts = np.asarray(self.core.sum(axis=1)).ravel().astype(np.int64)
        self.needs = self._matrix(
            ((self.competency_column[code], 1) for code in c.needs) for c in self.candidates
        ).astype(bool).tocsc()
        self.certifications = self._matrix(
            ((self.certification_column[code], 1) for code in c.certifications) for c in self.candidates
        ).astype(bool).tocsc()
        self.is_sme = np.array([c.is_sme for c in self.candidates], dtype=bool)
        self.is_research = np.array([c.is_research for c in self.candidates], dtype=bool)
        self.regions = np.array([c.region for c in self.candidates], dtype=object)
        self.declared_competitors = self._declared_competitors()
        self._competitor_graphs: dict[float, sparse.csr_matrix] = {}
        self.rows_naming: dict[Hashable, list[int]] = {}  # id -> rows of the candidates that name it
        # Read on demand and kept, candidate by candidate: reading every evidence of a large cluster costs
        # seconds, and only the candidates an opportunity naming a material ranks are ever asked about.
        self._material_mentions: dict[int, tuple[MaterialMention, ...]] = {}
        for row, candidate in enumerate(self.candidates):
            for other in candidate.competitor_of:
                self.rows_naming.setdefault(other, []).append(row)

    @classmethod
    def build(cls, candidates: Iterable[Candidate]) -> "PartnerIndex":
        return cls(list(candidates))

    def __len__(self) -> int:
        return len(self.candidates)

    def _matrix(self, rows: Iterable[Iterable[tuple[int, int]]]) -> sparse.csr_matrix:
        row_index, column_index, values = [], [], []
        for row, entries in enumerate(rows):
            for column, value in entries:
                row_index.append(row)
                column_index.append(column)
                values.append(value)
        width = max(len(self.competency_column), len(self.certification_column), 1)
        return sparse.csr_matrix((values, (row_index, column_index)), shape=(len(self.candidates), width))

    def _declared_competitors(self) -> dict[int, set[int]]:
        """Declared competition counts both ways: if A names B, B and A are competitors."""
        pairs: dict[int, set[int]] = {}
        for row, candidate in enumerate(self.candidates):
            for other in candidate.competitor_of:
                if other in self.row_of and self.row_of[other] != row:
                    pairs.setdefault(row, set()).add(self.row_of[other])
                    pairs.setdefault(self.row_of[other], set()).add(row)
        return pairs

    def level_columns(self, codes: Sequence[str]) -> np.ndarray:
        """Every candidate's level (0, 1 or 2) for each code, as a dense candidates x codes array."""
        return self._columns(self.levels, self.competency_column, codes, np.uint8)

    def certification_columns(self, codes: Sequence[str]) -> np.ndarray:
        return self._columns(self.certifications, self.certification_column, codes, bool)

    def need_columns(self, codes: Sequence[str]) -> np.ndarray:
        return self._columns(self.needs, self.competency_column, codes, bool)

    def _columns(self, matrix, column_of: Mapping[str, int], codes: Sequence[str], dtype) -> np.ndarray:
        dense = np.zeros((len(self.candidates), len(codes)), dtype=dtype)
        known = [(i, column_of[code]) for i, code in enumerate(codes) if code in column_of]
        if known:
            positions, columns = zip(*known)
            dense[:, list(positions)] = matrix[:, list(columns)].toarray()
        return dense

    def material_mentions(self, row: int) -> tuple[MaterialMention, ...]:
        """The materials candidate `row` names in its evidence and certification scopes."""
        if row not in self._material_mentions:
            self._material_mentions[row] = material_mentions(self.candidates[row])
        return self._material_mentions[row]

    def materials_named(self, rows: Sequence[int], materials: Collection[str]) -> np.ndarray:
        """Each candidate's share of these materials (codes of matching.mentions.MATERIALS) that it names in
        its own words, read for `rows` only (0 elsewhere)."""
        share = np.zeros(len(self.candidates))
        wanted = set(materials)
        for row in rows if wanted else ():
            share[row] = len(wanted & {m.material for m in self.material_mentions(row)}) / len(wanted)
        return share

    def shared_core_with(self, core_codes: Collection[str]) -> np.ndarray:
        """How many of these core competencies each candidate also holds at core level."""
        levels = self.level_columns(sorted(core_codes))
        return (levels == LEVEL_VALUE[CORE]).sum(axis=1).astype(np.int64)

    def overlap_share_with(self, core_codes: Collection[str]) -> tuple[np.ndarray, np.ndarray]:
        """(shared core count, Jaccard share) of every candidate with an organisation's core competencies."""
        shared = self.shared_core_with(core_codes)
        union = len(core_codes) + self.core_counts - shared
        share = np.divide(shared, union, out=np.zeros(len(shared)), where=union > 0)
        return shared, share

    def competitor_matrix(self, rows: np.ndarray, threshold: float) -> sparse.csr_matrix:
        """Which of these candidates compete, as a symmetric sparse boolean matrix over their positions."""
        rows = np.asarray(rows, dtype=np.int64)
        return self.competitor_graph(threshold)[rows][:, rows]

    def competitor_graph(self, threshold: float) -> sparse.csr_matrix:
        """Which candidates compete: declared so (either side) or sharing >= threshold of their core
        competencies. Computed once per threshold and kept, as the rest of the index."""
        if threshold not in self._competitor_graphs:
            self._competitor_graphs[threshold] = self._competition(threshold)
        return self._competitor_graphs[threshold]

    def _competition(self, threshold: float, chunk: int = 1000) -> sparse.csr_matrix:
        first_parts, second_parts = [], []
        for start in range(0, len(self.candidates), chunk):  # by chunks: the full product would be large
            shared = (self.core[start:start + chunk] @ self.core.T).tocoo()
            first, second, count = shared.row + start, shared.col, shared.data
            union = self.core_counts[first] + self.core_counts[second] - count
            close = (first != second) & (count > 0) & (count >= threshold * union - 1e-9)
            first_parts.append(first[close])
            second_parts.append(second[close])
        declared = np.array([(a, b) for a, others in self.declared_competitors.items() for b in others],
                            dtype=np.int64).reshape(-1, 2)
        first, second = np.concatenate([*first_parts, declared[:, 0]]), np.concatenate([*second_parts, declared[:, 1]])
        graph = sparse.csr_matrix((np.ones(len(first), dtype=bool), (first, second)),
                                  shape=(len(self.candidates), len(self.candidates)))
        graph.sum_duplicates()
        return graph

    def competitors_of(self, organisation: Candidate, threshold: float) -> np.ndarray:
        """Which candidates are direct competitors of an organisation that may not be in the index."""
        shared, share = self.overlap_share_with(organisation.core_codes)
        competing = (shared > 0) & (share >= threshold - 1e-9)
        for other in organisation.competitor_of:
            if other in self.row_of:
                competing[self.row_of[other]] = True
        competing[self.rows_naming.get(organisation.id, [])] = True
        if organisation.id in self.row_of:
            competing[self.row_of[organisation.id]] = False
        return competing
