"""Retriever: dense (FAISS over passages and their asks) and lexical (BM25) rankings,
fused, with one result per passage and near-duplicates pushed apart by MMR.

The fusion method and its constants were chosen on tests/retrieval_cases.yaml with
`make eval`; the README has the table.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from reflect_bot.corpus import Corpus, Passage
from reflect_bot.corpus_cache import cached_corpus
from reflect_bot.embedding import Encoder, Progress, SharedEmbedder, get_embedder, preload
from reflect_bot.errors import UsageError
from reflect_bot.index import OpenResult, VectorIndex, lexical_documents, open_index
from reflect_bot.inputs import prepare
from reflect_bot.lexical import Lexical
from reflect_bot.mmr import mmr

Mode = Literal["hybrid", "dense", "lexical"]
Fusion = Literal["rrf", "weighted"]

# Chosen on tests/retrieval_cases.yaml with `make eval` (table in the README): the weighted
# sum beat reciprocal rank fusion at every setting tried, and 0.8 beat 0.7 and 0.9.
DENSE_WEIGHT = 0.8  # share of the dense score in the fused score; BM25 (scaled to 0-1) the rest
RRF_K = 10  # for reciprocal rank fusion, kept so `make eval` can show the comparison
DENSE_TOP = 2  # a passage's dense score is the mean of its best 2 vectors (text and asks)
DENSE_ROWS = 2000  # rows searched per query before folding them per passage
MMR_LAMBDA = 0.9  # 1.0 = pure relevance; lower pushes similar passages further apart
CONTEXT_WEIGHTS = (0.5, 0.25, 0.125)  # earlier messages, most recent first
CANDIDATES = 50
ENCODE_CACHE = 512  # recent texts whose vectors are kept: a reply encodes its message ~4 times


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # the fused ranking score
    rank: int  # 1-based
    similarity: float  # best cosine between the query and the passage's vectors


@dataclass(frozen=True)
class Ranking:
    """How the dense and lexical rankings are combined (the shipped choice is the default)."""

    fusion: Fusion = "weighted"
    mmr: bool = True


class Retriever:
    def __init__(
        self,
        corpus: Corpus,
        index: VectorIndex,
        embedder: Encoder,
        ranking: Ranking | None = None,
    ) -> None:
        self.corpus = corpus
        self.index = index
        self.embedder = embedder
        self.ranking = ranking or Ranking()
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        # cached with the index; built here for an index made without it (the benchmarks')
        self.lexical = index.lexical or Lexical.build(lexical_documents(corpus))
        self.opened: OpenResult | None = None

    @classmethod
    def open(
        cls,
        extra_dirs: Sequence[str | Path] = (),
        *,
        cache_dir: Path | None = None,
        rebuild: bool = False,
        progress: Progress = False,
        warn: Callable[[str], None] | None = None,
        corpus: Corpus | None = None,
        wait: bool = True,
    ) -> Retriever:
        """Load the corpus (unless given), the model and the cached index (building it if
        stale; `progress` reports the build, see `Embedder.encode`). The corpus comes from
        its cache when no guidance file has changed (reflect_bot.corpus_cache). With `wait`
        False, the encoder may still be loading when this returns: the first search waits."""
        kwargs = {"warn": warn} if warn else {}
        preload(**kwargs)  # the encoder loads in a thread while the corpus and index load here
        if corpus is None:
            corpus = cached_corpus(extra_dirs, warn=warn) if warn else cached_corpus(extra_dirs)

        def embedder() -> Encoder:
            return get_embedder(**kwargs)

        opened = open_index(
            corpus, embedder, cache_dir=cache_dir, rebuild=rebuild, progress=progress, **kwargs
        )
        retriever = cls(corpus, opened.index, embedder() if wait else SharedEmbedder(**kwargs))
        retriever.opened = opened
        return retriever

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, shape (len(texts), 384).

        Recent texts come from a small cache: a search, the composer's fit check and its
        sentence choice all ask for the same message, and encoding is deterministic.
        """
        if not texts:
            return np.zeros((0, self.index.passage_vectors.shape[1]), dtype=np.float32)
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        fresh = dict(zip(missing, self.embedder.encode(missing), strict=True))
        out = np.stack([fresh[t] if t in fresh else self._vectors[t] for t in texts])
        for text in texts:
            if text in fresh:
                self._vectors[text] = fresh[text]
            self._vectors.move_to_end(text)
        while len(self._vectors) > ENCODE_CACHE:
            self._vectors.popitem(last=False)
        return out

    def query_vector(self, query: str, context: Sequence[str] = ()) -> np.ndarray:
        """The latest message's vector, nudged towards the recent conversation."""
        recent = [c for c in reversed(context) if c.strip()][: len(CONTEXT_WEIGHTS)]
        vectors = self.encode([query, *recent])
        mixed = vectors[0].copy()
        for weight, vec in zip(CONTEXT_WEIGHTS, vectors[1:], strict=False):
            mixed += weight * vec
        unit: np.ndarray = mixed / np.linalg.norm(mixed)
        return unit

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        context: Sequence[str] = (),
        mode: Mode = "hybrid",
        ranking: Ranking | None = None,
    ) -> list[Hit]:
        """The `k` passages that best answer `query`, best first (all of them if `k` is
        more). A long query is read up to the message cap, cleaned of control characters."""
        query = prepare(query).text
        if not query or not query.strip():
            raise UsageError(
                "the query is empty: say in a few words what happened or what you need"
            )
        if k < 1:
            raise UsageError(f"--top-k must be at least 1 (got {k})")
        k = min(k, len(self.corpus.passages))
        s = ranking or self.ranking
        qvec = self.query_vector(query, context)
        dense, best = (
            self.index.passage_scores(qvec, max(DENSE_ROWS, k * 40), DENSE_TOP)
            if mode != "lexical"
            else ({}, {})
        )
        # BM25's share goes to a fixed number of passages, and MMR scales relevance over a
        # fixed number of candidates, so the first results never depend on how many were
        # asked for: the top 5 of `search(q, 50)` are `search(q, 5)`.
        lexical = self.lexical.scores(query, CANDIDATES) if mode != "dense" else {}
        fused = self._fuse(dense, lexical, s.fusion if mode == "hybrid" else "rrf")
        ranked = sorted(fused, key=lambda p: (-fused[p], p))[: max(CANDIDATES, k * 3)]
        if s.mmr and mode == "hybrid":
            chosen = self._mmr(ranked, fused, k)
        else:
            chosen = ranked[:k]
        sims = self._similarities(qvec, chosen, best)
        return [
            Hit(passage=self.corpus.passages[p], score=fused[p], rank=r, similarity=sims[p])
            for r, p in enumerate(chosen, 1)
        ]

    def _fuse(
        self, dense: dict[int, float], lexical: dict[int, float], how: Fusion
    ) -> dict[int, float]:
        if how == "rrf":
            fused: dict[int, float] = {}
            for scores in (dense, lexical):
                order = sorted(scores, key=lambda p: (-scores[p], p))
                for rank, p in enumerate(order, 1):
                    fused[p] = fused.get(p, 0.0) + 1.0 / (RRF_K + rank)
            return fused
        top = max(lexical.values(), default=0.0) or 1.0
        floor = min(dense.values(), default=0.0)
        return {
            p: DENSE_WEIGHT * dense.get(p, floor) + (1 - DENSE_WEIGHT) * lexical.get(p, 0.0) / top
            for p in set(dense) | set(lexical)
        }

    def _mmr(self, ranked: list[int], fused: dict[int, float], k: int) -> list[int]:
        """Maximal marginal relevance over the passages' text vectors."""
        if len(ranked) <= 1:
            return ranked[:k]
        rel = np.array([fused[p] for p in ranked])
        top, floor = rel[0], rel[: CANDIDATES].min()
        rel = (rel - floor) / ((top - floor) or 1.0)
        chosen = mmr(rel, self.index.passage_vectors[ranked], k, MMR_LAMBDA, first=0)
        return [ranked[i] for i in chosen]

    def _similarities(
        self, qvec: np.ndarray, chosen: list[int], dense: dict[int, float]
    ) -> dict[int, float]:
        """Best cosine per chosen passage; computed exactly for any the dense pass missed."""
        sims = {p: dense[p] for p in chosen if p in dense}
        missing = [p for p in chosen if p not in sims]
        if missing:
            rows = np.flatnonzero(np.isin(self.index.rows, missing))
            vectors = np.vstack([self.index.index.reconstruct(int(r)) for r in rows])
            row_sims = vectors @ qvec
            for row, value in zip(rows, row_sims, strict=True):
                p = int(self.index.rows[row])
                sims[p] = max(sims.get(p, -1.0), float(value))
        return sims
