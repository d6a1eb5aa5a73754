"""Vectors for the texts in prompts/ and knowledge/ that are not passages: the crisis bank,
topic stories, key points, questions, message-type examples, everyday subjects.

They are encoded once and kept in the cache folder, one `.npy` file per list of texts,
named by a hash of the model files and the texts: change one text and a new file is written, so a
stale vector is never used. A damaged file is simply encoded again, and a temporary file left
by a process killed mid-write is removed the next time the folder is written to.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from reflect_bot import config
from reflect_bot.cachefiles import remove_orphans
from reflect_bot.embedding import DIMENSION, model_fingerprint

Encode = Callable[[Sequence[str]], np.ndarray]
# A write takes well under a second; a temporary file this old was left by a killed process
# (a younger one may belong to another process writing now, so it is left alone).
ORPHAN_AGE = 600  # seconds


def _key(name: str, texts: Sequence[str]) -> str:
    # the model files' hash: a new model (or export) never reuses the old one's vectors
    digest = hashlib.sha256(json.dumps(model_fingerprint(), sort_keys=True).encode())
    for text in texts:
        digest.update(b"\x00" + text.encode("utf-8", "surrogatepass"))
    return f"{name}-{digest.hexdigest()[:20]}"


# Every text encoded in this process, so one that sits in several lists (an ask is a
# labelled example, practice talk and classifier training) is encoded once. All-MiniLM is
# the only model, so the text alone is the key. ~1.5 KiB a text.
_SEEN: dict[str, np.ndarray] = {}


def remember(texts: Sequence[str], vectors: np.ndarray) -> None:
    """Vectors already computed elsewhere (the search index's), so they are not encoded again."""
    for text, vector in zip(texts, vectors, strict=True):
        _SEEN.setdefault(text, np.asarray(vector, dtype=np.float32))


def cached_vectors(
    name: str, texts: Sequence[str], encode: Encode, cache_dir: Path | None = None
) -> np.ndarray:
    """Unit vectors for `texts` (len(texts), DIMENSION), from the cache when it has them."""
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)

    def compute() -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in _SEEN))
        if missing:
            for text, vector in zip(missing, encode(missing), strict=True):
                _SEEN[text] = np.asarray(vector, dtype=np.float32)
        return np.vstack([_SEEN[t] for t in texts])

    vectors = cached_array(name, texts, compute, (len(texts), DIMENSION), cache_dir)
    for text, vector in zip(texts, vectors, strict=True):
        _SEEN.setdefault(text, vector)
    return vectors


def cached_array(
    name: str, key: Sequence[str], compute: Callable[[], np.ndarray], shape: tuple[int, ...],
    cache_dir: Path | None = None,
) -> np.ndarray:
    """A float32 array computed from the texts in `key` (vectors, a fitted classifier's
    weights), kept in the cache folder under a hash of them."""
    path = (cache_dir or config.cache_dir()) / "vectors" / f"{_key(name, key)}.npy"
    try:
        array: np.ndarray = np.load(path, allow_pickle=False)
        if array.shape == shape and array.dtype == np.float32:
            return array
    except (OSError, ValueError):
        pass
    array = np.ascontiguousarray(compute(), dtype=np.float32)
    try:
        config.private_dir(path.parent)
        remove_orphans(path.parent, older_than=ORPHAN_AGE)
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        config.write_private_file(path, buffer.getvalue())
    except OSError:
        pass  # a read-only cache only costs the work next time
    return array

