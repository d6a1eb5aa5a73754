"""Lexical matching: one tokenizer for documents and queries, and BM25 (bm25s)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path

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
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased words with stopwords removed (not stemmed)."""
    stop = stopwords()
    return [w for w in _TOKEN.findall(text.lower().replace("\u2019", "'")) if w not in stop]


def tokens(text: str) -> list[str]:
    """Stemmed content tokens: the unit BM25 counts."""
    return _stemmer().stemWords(words(text))


class Lexical:
    """BM25 over title + text + asks of each passage."""

    def __init__(self, documents: Sequence[str]) -> None:
        import bm25s

        self.size = len(documents)
        self.bm25 = bm25s.BM25()
        corpus_tokens = [tokens(doc) or ["\u2205"] for doc in documents]
        self.bm25.index(corpus_tokens, show_progress=False)
        self._vocab = set(self.bm25.vocab_dict)

    def scores(self, query: str, n: int) -> dict[int, float]:
        """Top `n` documents with a positive BM25 score, as position -> score."""
        query_tokens = [t for t in tokens(query) if t in self._vocab]
        if not query_tokens:
            return {}
        scores = self.bm25.get_scores(query_tokens)
        n = min(n, self.size)
        top = np.argpartition(-scores, n - 1)[:n] if n < self.size else np.arange(self.size)
        return {int(i): float(scores[i]) for i in top if scores[i] > 0}
