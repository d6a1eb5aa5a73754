"""The FAISS vector index over the corpus and its on-disk cache.

Each passage contributes one vector for its title and text and one for each of its
`asks` and `key_points`; `rows` maps a vector row back to its passage. The cache is a single `.npz`
file (serialised FAISS index, row map, passage vectors, manifest) written to a temp
file and renamed, so a reader never sees half of it. The manifest holds the hash of
every corpus file, the model files' hash, the encoder's export version, the dimension and
the package version: anything changed means a rebuild, never a stale answer. On open, every
array's shape, dtype, row count and dimension is checked against the corpus too, so a
damaged cache is rebuilt with a one-line notice rather than failing later in a search.
Builders take turns on a lock beside the cache; temporary files an interrupted write left
behind are removed on the next open.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from reflect_bot import __version__, config
from reflect_bot.cachefiles import locked, sweep
from reflect_bot.corpus import Corpus
from reflect_bot.embedding import DIMENSION, Encoder, Progress, model_fingerprint
from reflect_bot.lexical import Lexical

INDEX_FORMAT = 4
# An exact flat inner-product index throughout: `make bench` measured 27 ms p95 for a
# 500k-vector search (100k passages with four asks each) on one thread here, inside the
# 60 ms budget, so an approximate index would buy nothing but lost recall.


class FaissIndex(Protocol):
    """What reflect-bot uses of a faiss.Index (faiss publishes no types)."""

    d: int
    ntotal: int

    def search(self, x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...
    def reconstruct(self, key: int) -> np.ndarray: ...
    def reconstruct_n(self, i0: int, ni: int) -> np.ndarray: ...


def _faiss() -> Any:  # the faiss module
    import faiss

    faiss.omp_set_num_threads(1)  # 2-core machines: threads only oversubscribe small searches
    return faiss


def passage_text(title: str, text: str) -> str:
    return f"{title}. {text}"


@dataclass
class VectorIndex:
    index: FaissIndex  # over every row
    rows: np.ndarray  # int32 row -> passage position
    passage_vectors: np.ndarray  # float32 (n_passages, dim): title + text vectors
    manifest: dict[str, Any]
    lexical: Lexical | None = None  # BM25 over the same passages (None: built by the caller)

    @property
    def size(self) -> int:
        return int(self.rows.shape[0])

    def passage_scores(
        self, query: np.ndarray, n_rows: int, top: int
    ) -> tuple[dict[int, float], dict[int, float]]:
        """Search the best `n_rows` rows for `query` (1, dim) and fold them per passage.

        Returns (mean of each passage's `top` best cosines, its single best cosine). The mean
        ranks better than the best alone (`make eval`): one lucky ask matching a stray word
        counts for less than a passage whose text and several asks all fit.
        """
        n_rows = min(n_rows, self.size)
        sims, ids = self.index.search(query.reshape(1, -1).astype(np.float32), n_rows)
        total: dict[int, float] = {}
        count: dict[int, int] = {}
        best: dict[int, float] = {}
        for sim, row in zip(sims[0], ids[0], strict=True):
            if row < 0:
                continue
            p = int(self.rows[row])
            if p not in best:
                best[p] = float(sim)
            if count.get(p, 0) < top:
                total[p] = total.get(p, 0.0) + float(sim)
                count[p] = count.get(p, 0) + 1
        return {p: total[p] / count[p] for p in total}, best


def manifest_for(corpus: Corpus) -> dict[str, Any]:
    files = {}
    for path in corpus.files:
        files[str(path.resolve())] = hashlib.sha256(path.read_bytes()).hexdigest()
    return {
        "format": INDEX_FORMAT,
        **model_fingerprint(),
        "dimension": DIMENSION,
        "version": __version__,
        "files": files,
        "passages": len(corpus.passages),
        "passage_ids": hashlib.sha256(
            "\n".join(p.id for p in corpus.passages).encode()
        ).hexdigest(),
    }


def cache_path(corpus: Corpus, cache_dir: Path | None = None) -> Path:
    """One cache file per set of knowledge folders, so extra folders never evict the default."""
    folders = sorted({str(p.resolve().parent) for p in corpus.files})
    key = hashlib.sha256("\n".join(folders).encode()).hexdigest()[:16]
    return (cache_dir or config.cache_dir()) / "index" / f"index-{key}.npz"


def build(
    corpus: Corpus, embedder: Encoder, *, progress: Progress = False,
    vectors: np.ndarray | None = None,
) -> VectorIndex:
    """Embed every passage, ask and key point and build the FAISS index (or use given
    `vectors`)."""
    # Each passage's title and text, then its asks, then its key points. Key points say a
    # passage's advice in a sentence each: a query that matches one of them finds its passage
    # (hit@5 0.875 -> 0.892 on tests/retrieval_cases.yaml, 508 passages).
    texts = row_texts(corpus)
    if vectors is None:
        vectors = embedder.encode(texts, progress=progress)
    index = from_vectors(vectors, row_map(corpus), manifest_for(corpus))
    index.lexical = Lexical.build(lexical_documents(corpus))
    return index


def lexical_documents(corpus: Corpus) -> list[str]:
    """What BM25 counts for each passage: its title, text and asks."""
    return [f"{p.title} {p.text} {' '.join(p.asks)}" for p in corpus.passages]


def row_map(corpus: Corpus) -> np.ndarray:
    """The passage position behind each row of the index, in row order."""
    rows = [i for i, _ in enumerate(corpus.passages)]
    rows += [i for i, p in enumerate(corpus.passages) for _ in p.asks]
    rows += [i for i, p in enumerate(corpus.passages) for _ in p.key_points]
    return np.asarray(rows, dtype=np.int32)


def row_texts(corpus: Corpus) -> list[str]:
    """The text behind each row of the index, in row order (as `build` lays them out)."""
    texts = [passage_text(p.title, p.text) for p in corpus.passages]
    texts += [ask for p in corpus.passages for ask in p.asks]
    texts += [point for p in corpus.passages for point in p.key_points]
    return texts


def from_vectors(
    vectors: np.ndarray, rows: np.ndarray, manifest: dict[str, Any]
) -> VectorIndex:
    """Index rows of unit vectors; the first occurrence of each passage is its text vector."""
    faiss = _faiss()
    dim = vectors.shape[1]
    index = faiss.IndexFlatIP(dim)
    index.add(vectors)
    n_passages = int(rows.max()) + 1 if len(rows) else 0
    first = np.full(n_passages, -1, dtype=np.int64)
    for row in range(len(rows) - 1, -1, -1):
        first[rows[row]] = row
    return VectorIndex(
        index=index, rows=rows, passage_vectors=vectors[first].copy(), manifest=manifest
    )


def save(index: VectorIndex, path: Path) -> None:
    """Write the cache atomically (temp file, then rename), so a reader never sees half."""
    faiss = _faiss()
    config.private_dir(path.parent)
    buffer = io.BytesIO()
    lexical = index.lexical
    if lexical is None:
        raise ValueError("an index is saved with its BM25 arrays")
    np.savez(
        buffer,
        faiss=faiss.serialize_index(index.index),
        rows=index.rows,
        passage_vectors=index.passage_vectors,
        manifest=_json_bytes(index.manifest),
        bm25_vocab=_json_bytes(lexical.vocab),
        bm25_data=lexical.data,
        bm25_indices=lexical.indices,
        bm25_indptr=lexical.indptr,
    )
    config.write_private_file(path, buffer.getvalue())


class CorruptCache(Exception):
    """The cache file exists but cannot be read back, or does not fit the corpus."""


def _json_bytes(value: object) -> np.ndarray:
    return np.frombuffer(json.dumps(value).encode(), dtype=np.uint8)


def load(path: Path) -> VectorIndex | None:
    """Read the cache; None for one written in another format (stale, so rebuilt quietly,
    not reported as damaged)."""
    faiss = _faiss()
    try:
        with np.load(path, allow_pickle=False) as data:
            manifest = json.loads(bytes(data["manifest"]).decode())
            if not isinstance(manifest, dict) or manifest.get("format") != INDEX_FORMAT:
                return None
            rows = data["rows"]
            passage_vectors = data["passage_vectors"]
            index = faiss.deserialize_index(data["faiss"])
            vocab = json.loads(bytes(data["bm25_vocab"]).decode())
            if not isinstance(vocab, list) or not all(isinstance(t, str) for t in vocab):
                raise ValueError("BM25 vocabulary is not a list of words")
            lexical = Lexical(
                int(passage_vectors.shape[0]), vocab, data["bm25_data"], data["bm25_indices"],
                data["bm25_indptr"],
            )
    except Exception as exc:  # zip, JSON, numpy or FAISS errors all mean the same: unusable
        raise CorruptCache(f"{type(exc).__name__}: {exc}".splitlines()[0]) from None
    return VectorIndex(index, rows, passage_vectors, manifest, lexical)


def problem(cached: VectorIndex, corpus: Corpus) -> str:
    """Why `cached` cannot serve `corpus` ("" if it can): every array's shape, dtype, row
    count and dimension against the corpus and the model, so a damaged cache is rebuilt
    here and never fails later inside a search."""
    expected_rows = row_map(corpus)
    n_passages = len(corpus.passages)
    rows, vectors, index = cached.rows, cached.passage_vectors, cached.index
    if not isinstance(rows, np.ndarray) or rows.dtype != np.int32 or rows.shape != (
        len(expected_rows),
    ):
        return f"row map has shape {getattr(rows, 'shape', '?')}, expected ({len(expected_rows)},)"
    if not np.array_equal(rows, expected_rows):
        return "row map does not match the passages"
    if not isinstance(vectors, np.ndarray) or vectors.dtype != np.float32 or vectors.shape != (
        n_passages, DIMENSION
    ):
        return (
            f"passage vectors have shape {getattr(vectors, 'shape', '?')}, "
            f"expected ({n_passages}, {DIMENSION})"
        )
    if getattr(index, "d", None) != DIMENSION or getattr(index, "ntotal", None) != len(rows):
        return (
            f"FAISS index holds {getattr(index, 'ntotal', '?')} vectors of dimension "
            f"{getattr(index, 'd', '?')}, expected {len(rows)} of {DIMENSION}"
        )
    try:
        stored = index.reconstruct_n(0, len(rows))
    except Exception as exc:  # an index type that cannot give its vectors back
        return f"FAISS index unreadable ({type(exc).__name__})"
    for name, array in (("index", stored), ("passage", vectors)):
        norms = np.linalg.norm(array, axis=1) if len(array) else np.ones(0)
        if not np.all(np.isfinite(array)) or not np.allclose(norms, 1.0, atol=1e-3):
            return f"{name} vectors are not unit vectors"
    first = np.unique(rows, return_index=True)[1]
    if not np.array_equal(stored[first], vectors):
        return "passage vectors do not match the index"
    if cached.lexical is None or cached.lexical.size != n_passages:
        return "BM25 index is missing or the wrong size"
    return cached.lexical.problem()


@dataclass
class OpenResult:
    index: VectorIndex
    status: str  # "loaded", "built" or "rebuilt"
    path: Path
    seconds: float
    reason: str = ""


def _warn(message: str) -> None:
    print(f"reflect-bot: warning: {message}", file=sys.stderr)


def _try_cache(
    path: Path, corpus: Corpus, warn: Callable[[str], None]
) -> tuple[VectorIndex | None, str]:
    """(the cached index or None, why it cannot be used)."""
    if not path.exists():
        return None, "no cache yet"
    try:
        cached = load(path)
    except CorruptCache as exc:
        warn(f"index cache {path} is unreadable ({exc}); rebuilding it")
        return None, "cache was unreadable"
    if cached is None or cached.manifest != manifest_for(corpus):
        return None, "corpus or model changed"
    why = problem(cached, corpus)
    if why:
        warn(f"index cache {path} is damaged ({why}); rebuilding it")
        return None, "cache was damaged"
    return cached, ""


def open_index(
    corpus: Corpus,
    embedder_factory: Callable[[], Encoder],
    *,
    cache_dir: Path | None = None,
    rebuild: bool = False,
    progress: Progress = False,
    warn: Callable[[str], None] = _warn,
) -> OpenResult:
    """Load the cached index if it matches the corpus and the model; otherwise build and
    save it. Builders take turns on the folder's lock, so a process that waited for
    another's build loads that instead of building again."""
    start = time.perf_counter()
    path = cache_path(corpus, cache_dir)
    sweep(path.parent)
    if not rebuild:
        cached, reason = _try_cache(path, corpus, warn)
        if cached is not None:
            return OpenResult(cached, "loaded", path, time.perf_counter() - start)
    else:
        reason = "forced"
    try:
        config.private_dir(path.parent)
    except OSError:
        pass  # saving will fail below and say so
    with locked(path.parent):
        if not rebuild:
            # another process may have built it while this one waited for the lock
            cached, _ = _try_cache(path, corpus, lambda _: None)
            if cached is not None:
                return OpenResult(cached, "loaded", path, time.perf_counter() - start)
        index = build(corpus, embedder_factory(), progress=progress)
        try:
            save(index, path)
        except OSError as exc:
            why = exc.strerror or type(exc).__name__
            warn(f"could not save the index cache to {path} ({why}); it will be rebuilt")
    status = "built" if reason == "no cache yet" else "rebuilt"
    return OpenResult(index, status, path, time.perf_counter() - start, reason)
