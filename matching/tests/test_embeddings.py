"""The optional sentence encoder: names encoded once and cached, similarity ranks but never infers alone."""

import numpy as np

from matching.embeddings import NameCachingEncoder
from matching.inference import CompetencyIndex
from matching.taxonomy import competencies_from_nodes

TAXONOMY = [
    {"code": "leaflets", "fr": "Rédiger des prospectus", "en": "write leaflets"},
    {"code": "welding", "fr": "Soudage", "en": "welding"},
]
# A stand-in for a sentence model: it knows that flyers are leaflets.
MEANINGS = {"leaflet": [1, 0, 0], "flyer": [1, 0, 0], "weld": [0, 1, 0]}


class FakeEncoder(NameCachingEncoder):
    name = "fake"
    languages = ("en",)
    dim = 3
    weight = 4.0

    def __init__(self, cache_dir):
        super().__init__(cache_dir)
        self.encoded = []

    def _vector(self, text):
        found = [MEANINGS[m] for m in MEANINGS if m in text.lower()]
        return np.sum(found, axis=0) if found else np.array([0, 0, 1])

    def _encode_many(self, texts):
        self.encoded.extend(texts)
        return np.stack([self._vector(t) for t in texts])

    def encode_text(self, text):
        vector = self._vector(text).astype(np.float32)
        return vector / np.linalg.norm(vector)


def test_names_are_encoded_once_then_read_back_from_the_cache(tmp_path):
    first = FakeEncoder(tmp_path)
    vectors = first.encode_names(["write leaflets", "welding"])
    again = FakeEncoder(tmp_path)
    assert np.array_equal(again.encode_names(["write leaflets", "welding"]), vectors)
    assert again.encoded == []
    again.encode_names(["write leaflets", "arc welding"])
    assert again.encoded == ["write leaflets", "arc welding"], "other names, another cache entry"


def test_similarity_ranks_what_is_said_in_other_words(tmp_path):
    index = CompetencyIndex(competencies_from_nodes(TAXONOMY), encoder=FakeEncoder(tmp_path))
    ranked = index.infer("Create recruitment flyers and write posters", top_k=2, min_coverage=0)
    assert [item.code for item in ranked] == ["leaflets", "welding"]
    assert ranked[0].triggers == ["write"]


def test_similarity_alone_never_infers_a_competency(tmp_path):
    index = CompetencyIndex(competencies_from_nodes(TAXONOMY), encoder=FakeEncoder(tmp_path))
    assert [item.code for item in index.infer("Welding of flyers")] == ["welding"]
    assert index.infer("qwxz flyers") == []
