"""Word and sentence vectors from an offline static embedding model.

The vectors are WordLlama's ``l2_supercat`` token embeddings (32,000 tokens × 256
dimensions, 16 MB in half precision), which ship inside the ``wordllama`` wheel together
with their tokenizer. Nothing is downloaded: the files are read from the installed
package, once per process, on first use. Only numpy and ``tokenizers`` do the work.

A word's vector is the mean of its tokens' vectors; a text's vector is the mean of its
words' vectors. Every vector is normalised, so a dot product is a cosine similarity.
Static vectors know that "copies" is near "replicas" and "zones" near "regions"; they do
not know word order, and they put antonyms ("synchronous", "asynchronous") close
together, which is why the scorer checks for those itself.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["DIMENSIONS", "similarities", "text_vector", "word_vector", "word_vectors"]

DIMENSIONS = 256
_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"

_lock = threading.Lock()
_model: tuple[np.ndarray, object] | None = None


def _package_dir() -> Path:
    import wordllama

    return Path(wordllama.__file__).resolve().parent


def _load() -> tuple[np.ndarray, object]:
    """The embedding matrix (float16) and the tokenizer, loaded once per process."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from safetensors.numpy import load_file
                from tokenizers import Tokenizer

                root = _package_dir()
                matrix = load_file(str(root / _WEIGHTS))["embedding.weight"]
                tokenizer = Tokenizer.from_file(str(root / _TOKENIZER))
                tokenizer.no_padding()
                tokenizer.no_truncation()
                _model = (matrix, tokenizer)
    return _model


def _zero() -> np.ndarray:
    return np.zeros(DIMENSIONS, dtype=np.float32)


def _normalised(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


@lru_cache(maxsize=50_000)
def word_vector(word: str) -> np.ndarray:
    """The unit vector of one lower-case word (zero for a word with no tokens)."""
    matrix, tokenizer = _load()
    ids = tokenizer.encode(" " + word, add_special_tokens=False).ids
    if not ids:
        return _zero()
    vector = _normalised(matrix[ids].astype(np.float32).mean(axis=0))
    vector.flags.writeable = False
    return vector


def word_vectors(words: Sequence[str]) -> np.ndarray:
    """A (len(words), DIMENSIONS) matrix of unit word vectors."""
    if not words:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.stack([word_vector(word) for word in words])


def text_vector(words: Sequence[str]) -> np.ndarray:
    """The unit mean vector of some words (zero when there are none)."""
    if not words:
        return _zero()
    return _normalised(word_vectors(words).mean(axis=0))


def similarities(first: Sequence[str], second: Sequence[str]) -> np.ndarray:
    """Cosine similarity of every word of ``first`` with every word of ``second``."""
    return word_vectors(first) @ word_vectors(second).T


def warm_up() -> None:
    """Load the model now rather than on the first answer (for app start-up)."""
    word_vector("warm")
