"""Stored sentence vectors: every text (a need, a survey answer, an opportunity, a capability's name) is
encoded once, by a background task its writing queues, and its vector kept in TextEmbedding by text hash and
model, so that theme runs, inference and search read vectors and never wait on the encoder (some 20 texts a
second on two cores). Never call `store_vectors` or `cached_vectors` in a request: they may encode.

The encoder is the setting GRAPPE_THEME_ENCODER's ("e5"; "auto", the default, takes it when its package is
installed; "none" never). An encoder missing or failing stores nothing: readers fall back to words alone and
say so to the staff where it matters (listening's theme runs).

Texts are encoded as E5's "query" side (matching.themes.encode_texts), the side meant for comparing texts with
each other; names are also kept as "passages" (`PASSAGE`), the side inference compares a text with.
"""

import hashlib
import logging
from collections.abc import Callable, Sequence

import numpy as np
from django.conf import settings

from matching import embeddings
from matching.themes import encode_texts

from .models import TextEmbedding

logger = logging.getLogger(__name__)
SAVE_CHUNK = 1000
READ_CHUNK = 5000
PASSAGE = "passage"  # the side of a name (E5 "passage: "); texts are stored on the "query" side


def encoder_name() -> str | None:
    """The encoder in use, or None (words alone)."""
    wanted = settings.GRAPPE_THEME_ENCODER
    if wanted in ("", "none", None):
        return None
    name = "e5" if wanted == "auto" else wanted
    return name if name in embeddings.ENCODERS and embeddings.available(name) else None


def encoder_wanted() -> bool:
    """Whether the settings ask for sentence embeddings (so that results found without them deserve a note)."""
    return settings.GRAPPE_THEME_ENCODER not in ("", "none", None)


_ENCODERS: dict[str, object] = {}


def encoder(name: str):
    """The loaded encoder `name`: loading the model takes seconds, so once per process."""
    if name not in _ENCODERS:
        _ENCODERS[name] = embeddings.load_encoder(name, cache_dir=None)
    return _ENCODERS[name]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _model_name(name: str, side: str) -> str:
    """The name vectors are stored under, read from the encoder's class: no model is loaded to read them."""
    model_name = _ENCODERS[name].name if name in _ENCODERS else embeddings.ENCODERS[name][0].name
    return f"{model_name}/{side}" if side == PASSAGE else model_name


def _stored(model_name: str, hashes: list[str], *fields: str):
    """The stored vectors' `fields` for these text hashes, read READ_CHUNK hashes at a time."""
    for start in range(0, len(hashes), READ_CHUNK):
        yield from (TextEmbedding.objects.filter(model_name=model_name, text_hash__in=hashes[start:start + READ_CHUNK])
                    .values_list(*fields, flat=len(fields) == 1))


def _encode(texts: list[str], name: str, side: str, progress) -> np.ndarray:
    if side == PASSAGE:
        return np.asarray(encoder(name).encode_names(texts), dtype=np.float32)
    return encode_texts(texts, encoder(name), progress=progress)


def cached_vectors(texts: Sequence[str], name: str, progress: Callable[[int, int], None] | None = None,
                   side: str = "query"):
    """The texts' vectors by encoder `name`: read from TextEmbedding, the missing ones encoded and stored."""
    model_name = _model_name(name, side)
    hashes = [text_hash(t) for t in texts]
    stored = dict(_stored(model_name, hashes, "text_hash", "vector"))
    missing = list(dict.fromkeys(h for h in hashes if h not in stored))
    if missing:
        by_hash = dict(zip(hashes, texts))
        fresh = _encode([by_hash[h] for h in missing], name, side, progress)
        rows = [TextEmbedding(text_hash=h, model_name=model_name, vector=v.astype(np.float32).tobytes())
                for h, v in zip(missing, fresh)]
        TextEmbedding.objects.bulk_create(rows, ignore_conflicts=True, batch_size=SAVE_CHUNK)
        stored.update({h: row.vector for h, row in zip(missing, rows)})
    return np.stack([np.frombuffer(bytes(stored[h]), dtype=np.float32) for h in hashes]) if texts else None


def store_vectors(texts: Sequence[str], name: str, progress: Callable[[int, int], None] | None = None,
                  side: str = "query") -> int:
    """Encode the texts that have no stored vector by encoder `name`, store them; returns how many."""
    model_name = _model_name(name, side)
    by_hash = {text_hash(t): t for t in texts}
    stored = set(_stored(model_name, list(by_hash), "text_hash"))
    missing = [text for h, text in by_hash.items() if h not in stored]
    if missing:
        cached_vectors(missing, name, progress=progress, side=side)
    return len(missing)


def encode_and_store(texts: Sequence[str], side: str = "query") -> int:
    """What a background task calls: store the vectors of these texts that have none, with the encoder in use.
    Without an encoder, or when it fails (logged), stores none and returns 0: never an error for the writer."""
    name = encoder_name()
    texts = [t for t in texts if t]
    if name is None or not texts:
        return 0
    try:
        return store_vectors(texts, name, side=side)
    except Exception:
        logger.exception("the sentence encoder %s failed: %s texts stay without vectors", name, len(texts))
        return 0


def stored_vectors(texts: Sequence[str], side: str = "query") -> dict[str, np.ndarray]:
    """The stored vectors of these texts by the encoder in use, by text; never encodes (a request may call it):
    a text without one is left out, and the caller reads it by its words alone."""
    name = encoder_name()
    if name is None or not texts:
        return {}
    model_name = _model_name(name, side)
    by_hash = {text_hash(t): t for t in texts}
    return {by_hash[h]: np.frombuffer(bytes(v), dtype=np.float32)
            for h, v in _stored(model_name, list(by_hash), "text_hash", "vector")}
