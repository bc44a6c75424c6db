"""Stored sentence vectors: a text is encoded once and read back; reading never encodes; an encoder missing or
failing stores nothing and raises nothing (its callers fall back to words alone)."""

import numpy as np
import pytest

from grappe.core import vectors
from grappe.core.models import TextEmbedding

pytestmark = pytest.mark.django_db


def test_a_text_is_encoded_once_and_read_back(fake_encoder):
    assert vectors.encode_and_store(["Usinage de titane", "Usinage de titane", ""]) == 1
    assert vectors.encode_and_store(["Usinage de titane"]) == 0
    assert fake_encoder.calls == 1

    stored = vectors.stored_vectors(["Usinage de titane", "jamais écrit"])

    assert list(stored) == ["Usinage de titane"] and stored["Usinage de titane"].dtype == np.float32


def test_reading_never_encodes(fake_encoder):
    fake_encoder.broken = True

    assert vectors.stored_vectors(["a text nobody encoded"]) == {}


def test_names_are_kept_apart_from_texts_as_passages(fake_encoder):
    vectors.encode_and_store(["Ressuage"], side=vectors.PASSAGE)

    assert list(TextEmbedding.objects.values_list("model_name", flat=True)) == ["fake-encoder/passage"]
    assert vectors.stored_vectors(["Ressuage"]) == {}
    assert list(vectors.stored_vectors(["Ressuage"], side=vectors.PASSAGE)) == ["Ressuage"]


def test_a_failing_encoder_stores_nothing_and_raises_nothing(fake_encoder, caplog):
    fake_encoder.broken = True

    assert vectors.encode_and_store(["Usinage de titane"]) == 0
    assert not TextEmbedding.objects.exists()
    assert "failed" in caplog.text


def test_without_an_encoder_nothing_is_encoded(settings):
    settings.GRAPPE_THEME_ENCODER = "none"

    assert vectors.encode_and_store(["Usinage de titane"]) == 0
    assert vectors.stored_vectors(["Usinage de titane"]) == {}
