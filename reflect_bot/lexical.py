"""Lexical matching: one tokenizer for documents and queries, and BM25 (bm25s)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
DATA_DIR = Path(__file__).resolve().parent / "data"


@functools.cache
def stopwords() -> frozenset[str]:
    words: set[str] = set()
    for line in (DATA_DIR / "stopwords_en.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


@functools.cache
def _stemmer() -> Any:  # a Stemmer.Stemmer (PyStemmer publishes no types)
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased words with stopwords removed (not stemmed)."""
    stop = stopwords()
    return [w for w in _TOKEN.findall(text.lower().replace("\u2019", "'")) if w not in stop]


def tokens(text: str) -> list[str]:
    """Stemmed content tokens: the unit BM25 counts."""
    stemmed: list[str] = _stemmer().stemWords(words(text))
    return stemmed


class Lexical:
    """BM25 over title + text + asks of each passage.

    bm25s builds it (at index time); a query is scored here from its arrays with numpy, so
    a cached index answers without importing bm25s and scipy (about half a second).
    """

    def __init__(
        self, size: int, vocab: Sequence[str], data: np.ndarray, indices: np.ndarray,
        indptr: np.ndarray,
    ) -> None:
        self.size = size
        self.vocab = list(vocab)
        self._ids = {token: i for i, token in enumerate(self.vocab)}
        self.data, self.indices, self.indptr = data, indices, indptr

    @classmethod
    def build(cls, documents: Sequence[str]) -> Lexical:
        import bm25s

        bm25 = bm25s.BM25()
        bm25.index([tokens(doc) or ["\u2205"] for doc in documents], show_progress=False)
        scores = bm25.scores
        # one word a column; bm25s adds "" after the last column, which no query holds
        vocab = [""] * (len(scores["indptr"]) - 1)
        for token, i in bm25.vocab_dict.items():
            if i < len(vocab):
                vocab[i] = token
        return cls(
            len(documents), vocab, np.asarray(scores["data"], dtype=np.float32),
            np.asarray(scores["indices"], dtype=np.int32),
            np.asarray(scores["indptr"], dtype=np.int64),
        )

    def problem(self) -> str:
        """Why these arrays cannot be a BM25 index over `size` documents ("" if they can)."""
        n_tokens = len(self.vocab)
        if self.indptr.shape != (n_tokens + 1,) or self.indptr.dtype != np.int64:
            return "BM25 pointers do not match its vocabulary"
        if self.data.dtype != np.float32 or self.indices.dtype != np.int32:
            return "BM25 arrays have the wrong type"
        if self.data.shape != self.indices.shape or self.data.ndim != 1:
            return "BM25 arrays differ in length"
        if n_tokens and (self.indptr[0] != 0 or self.indptr[-1] != len(self.data)
                         or np.any(np.diff(self.indptr) < 0)):
            return "BM25 pointers are out of order"
        if len(self.indices) and (self.indices.min() < 0 or self.indices.max() >= self.size):
            return "BM25 refers to passages that do not exist"
        if not np.all(np.isfinite(self.data)):
            return "BM25 scores are not numbers"
        return ""

    def scores(self, query: str, n: int) -> dict[int, float]:
        """Top `n` documents with a positive BM25 score, as position -> score."""
        ids = [self._ids[t] for t in tokens(query) if t in self._ids]
        if not ids:
            return {}
        scores = np.zeros(self.size, dtype=np.float32)
        for i in ids:  # a repeated word counts again, as in bm25s
            start, end = self.indptr[i], self.indptr[i + 1]
            scores[self.indices[start:end]] += self.data[start:end]
        n = min(n, self.size)
        top = np.argpartition(-scores, n - 1)[:n] if n < self.size else np.arange(self.size)
        return {int(i): float(scores[i]) for i in top if scores[i] > 0}
