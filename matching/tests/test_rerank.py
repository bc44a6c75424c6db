"""The re-ranker: its shipped weights read every feature, and it reorders without changing what is inferred."""

import numpy as np
import pytest

from matching.embeddings import E5Encoder
from matching.inference import CompetencyIndex
from matching.rerank import feature_names, load_weights
from matching.taxonomy import competencies_from_nodes

SKILLS = [
    {"code": "finnish", "fr": "finnois", "en": "Finnish"},
    {"code": "write-finnish", "fr": "écrire en finnois", "en": "write Finnish"},
    {"code": "speak-finnish", "fr": "interagir oralement en finnois", "en": "interact verbally in Finnish"},
    {"code": "maintain-suspension", "fr": "entretenir des suspensions", "en": "maintain suspension system"},
    {"code": "maintain-machinery", "fr": "entretenir des machines", "en": "maintain machinery"},
    {"code": "suspension", "fr": "systèmes de suspension", "en": "suspension systems"},
    {"code": "manage-staff", "fr": "gérer le personnel", "en": "manage staff"},
    {"code": "manage-budget", "fr": "gérer un budget", "en": "manage budget"},
]


@pytest.fixture(scope="module")
def indexes():
    competencies = competencies_from_nodes(SKILLS)
    return CompetencyIndex(competencies), CompetencyIndex(competencies, rerank=False)


def test_the_shipped_weights_give_one_weight_per_feature():
    weights = load_weights()
    assert "lexical" in weights
    for name, values in weights.items():
        assert len(values) == len(feature_names(name != "lexical")) and np.isfinite(values).all()


def test_the_default_installs_encoder_has_its_own_fitted_weights():
    # Weights are keyed by the encoder's name: renaming it (another model, other prefixes) needs a new `--fit`.
    assert E5Encoder.name in load_weights()


def test_features_are_one_row_per_candidate(indexes):
    reranked, _ = indexes
    candidates, features = reranked.rerank_features("Maintain the suspension system of motor vehicles.")
    assert features.shape == (len(candidates), len(feature_names(False)))
    assert np.isfinite(features).all()


def test_reranking_changes_the_order_not_what_a_threshold_infers(indexes):
    reranked, plain = indexes
    text = "Maintain the suspension system and the machinery; manage the staff."
    assert {i.code for i in reranked.infer(text)} == {i.code for i in plain.infer(text)}
    scores = [i.score for i in reranked.infer(text)]
    assert scores == sorted(scores, reverse=True) and scores[0] == 1.0


def test_a_description_opening_on_a_verb_prefers_the_skill_named_by_that_verb(indexes):
    reranked, _ = indexes
    ranked = [i.code for i in reranked.infer("Maintain the system of motor vehicles made of springs and shock "
                                             "absorbers, called the suspension.", top_k=3, min_coverage=0)]
    assert ranked[0] == "maintain-suspension"
