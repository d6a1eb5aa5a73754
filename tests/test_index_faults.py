"""Fault injection on the index cache: every kind of damage is rebuilt (with at most one
line of notice) or, if the cache cannot be written, searched from memory with one clear
line; never a traceback, and the results afterwards are the same as from a fresh build."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from reflect_bot.corpus import load_paths
from reflect_bot.embedding import get_embedder
from reflect_bot.index import cache_path, open_index
from reflect_bot.retrieval import Retriever

pytestmark = pytest.mark.slow  # builds small indexes with the real encoder

QUERIES = ["I froze when he shouted at me", "how do I start a hard conversation"]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, corpus):
    """Two topics of the shipped guidance, and their ids for each query from a fresh build."""
    folder = tmp_path_factory.mktemp("knowledge")
    for topic in list(corpus.topics.values())[:2]:
        shutil.copy(topic.path, folder / topic.path.name)
    small_corpus = load_paths([folder])
    fresh = open_index(small_corpus, get_embedder, cache_dir=tmp_path_factory.mktemp("fresh"))
    return small_corpus, fresh.index, expected_ids(small_corpus, fresh.index)


def expected_ids(corpus, index) -> list[list[str]]:
    retriever = Retriever(corpus, index, get_embedder())
    return [[h.passage.id for h in retriever.search(q, 3)] for q in QUERIES]


def never_embed():
    raise AssertionError("the cache should have been used, not the model")


def members(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def rewrite(path: Path, **changes) -> None:
    arrays = members(path)
    for name, value in changes.items():
        if value is None:
            del arrays[name]
        else:
            arrays[name] = value
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    path.write_bytes(buffer.getvalue())


def manifest_bytes(manifest: dict) -> np.ndarray:
    return np.frombuffer(json.dumps(manifest).encode(), dtype=np.uint8)


def fewer_rows(path: Path) -> None:
    """Arrays that pass the manifest but hold a subset of the rows."""
    import faiss

    arrays = members(path)
    index = faiss.deserialize_index(arrays["faiss"])
    keep = index.ntotal - 7
    vectors = index.reconstruct_n(0, keep)
    smaller = faiss.IndexFlatIP(index.d)
    smaller.add(vectors)
    rewrite(path, faiss=faiss.serialize_index(smaller), rows=arrays["rows"][:keep])


def wrong_dimension(path: Path) -> None:
    import faiss

    arrays = members(path)
    rng = np.random.default_rng(1)
    n = len(arrays["rows"])
    vectors = rng.standard_normal((n, 128)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = faiss.IndexFlatIP(128)
    index.add(vectors)
    first = np.unique(arrays["rows"], return_index=True)[1]
    rewrite(path, faiss=faiss.serialize_index(index), passage_vectors=vectors[first])


def flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def other_manifest(path: Path) -> None:
    manifest = json.loads(bytes(members(path)["manifest"]).decode())
    manifest["model_sha256"] = "0" * 64  # built by another model
    rewrite(path, manifest=manifest_bytes(manifest))


def older_format(path: Path) -> None:
    """A cache from the previous release: no BM25 arrays, no model hash; rebuilt quietly."""
    manifest = json.loads(bytes(members(path)["manifest"]).decode())
    manifest["format"] = 2
    del manifest["model_sha256"]
    rewrite(path, manifest=manifest_bytes(manifest), bm25_vocab=None, bm25_data=None,
            bm25_indices=None, bm25_indptr=None)


def folder_in_place(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "something").write_text("not ours")


DAMAGE = {
    # kind: (how, the reason open_index gives, a notice expected)
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[:5000]), "cache was unreadable", True),
    "random bytes": (
        lambda p: p.write_bytes(np.random.default_rng(2).bytes(p.stat().st_size)),
        "cache was unreadable", True,
    ),
    "wrong manifest": (other_manifest, "corpus or model changed", False),
    "bad JSON": (lambda p: rewrite(p, manifest=np.frombuffer(b"{nope", np.uint8)),
                 "cache was unreadable", True),
    "missing member": (lambda p: rewrite(p, rows=None), "cache was unreadable", True),
    "flipped byte": (flip_byte, "cache was unreadable", True),
    "subset of rows": (fewer_rows, "cache was damaged", True),
    "wrong dimension": (wrong_dimension, "cache was damaged", True),
    "rows as floats": (lambda p: rewrite(p, rows=members(p)["rows"].astype(np.float64)),
                       "cache was damaged", True),
    "BM25 out of range": (
        lambda p: rewrite(p, bm25_indices=members(p)["bm25_indices"] + 10_000),
        "cache was damaged", True,
    ),
    "BM25 vocabulary not words": (
        lambda p: rewrite(p, bm25_vocab=manifest_bytes({"not": "a list"})),
        "cache was unreadable", True,
    ),
    "older format": (older_format, "corpus or model changed", False),
    "deleted": (lambda p: p.unlink(), "no cache yet", False),
}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damaged_cache_is_rebuilt(small, tmp_path: Path, kind: str) -> None:
    corpus, _, expected = small
    cache = tmp_path / "cache"
    path = open_index(corpus, get_embedder, cache_dir=cache).path
    how, reason, notice = DAMAGE[kind]
    how(path)
    warnings: list[str] = []
    result = open_index(corpus, get_embedder, cache_dir=cache, warn=warnings.append)
    assert result.status in ("built", "rebuilt") and result.reason == reason
    assert len(warnings) == (1 if notice else 0), warnings
    assert all("\n" not in w and "rebuilding" in w for w in warnings)
    assert expected_ids(corpus, result.index) == expected
    again = open_index(corpus, never_embed, cache_dir=cache)  # and the cache is good again
    assert again.status == "loaded" and expected_ids(corpus, again.index) == expected


def test_folder_in_place_of_the_cache(small, tmp_path: Path) -> None:
    corpus, _, expected = small
    cache = tmp_path / "cache"
    path = open_index(corpus, get_embedder, cache_dir=cache).path
    folder_in_place(path)
    warnings: list[str] = []
    result = open_index(corpus, get_embedder, cache_dir=cache, warn=warnings.append)
    assert expected_ids(corpus, result.index) == expected
    assert (path / "something").read_text() == "not ours"  # not ours to delete
    assert len(warnings) == 2 and "unreadable" in warnings[0] and "could not save" in warnings[1]
    assert all("\n" not in w for w in warnings)


def test_read_only_cache_file_still_serves(small, tmp_path: Path) -> None:
    corpus, _, expected = small
    cache = tmp_path / "cache"
    path = open_index(corpus, get_embedder, cache_dir=cache).path
    path.chmod(0o400)
    result = open_index(corpus, never_embed, cache_dir=cache)
    assert result.status == "loaded" and expected_ids(corpus, result.index) == expected


def test_unwritable_cache_folder_searches_from_memory(small, tmp_path: Path) -> None:
    corpus, _, expected = small
    parent = tmp_path / "not-a-folder"
    parent.write_text("a file where the cache folder should be")
    warnings: list[str] = []
    result = open_index(corpus, get_embedder, cache_dir=parent / "cache", warn=warnings.append)
    assert result.status == "built" and expected_ids(corpus, result.index) == expected
    assert len(warnings) == 1 and "could not save the index cache" in warnings[0]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permissions")
def test_read_only_cache_folder(small, tmp_path: Path) -> None:
    corpus, _, expected = small
    folder = tmp_path / "cache" / "index"
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    warnings: list[str] = []
    try:
        result = open_index(corpus, get_embedder, cache_dir=tmp_path / "cache",
                            warn=warnings.append)
    finally:
        folder.chmod(0o700)
    assert expected_ids(corpus, result.index) == expected
    assert len(warnings) == 1 and "could not save" in warnings[0]


def test_orphan_temp_files_are_removed_on_the_next_open(small, tmp_path: Path) -> None:
    corpus, _, _ = small
    cache = tmp_path / "cache"
    path = open_index(corpus, get_embedder, cache_dir=cache).path
    orphan = path.parent / f".{path.name}.k1ll3d.tmp"  # as a kill -9 mid-write leaves it
    orphan.write_bytes(b"\0" * 4096)
    assert open_index(corpus, never_embed, cache_dir=cache).status == "loaded"
    assert not orphan.exists()
    assert path.exists()


def test_orphan_is_kept_while_a_writer_holds_the_lock(small, tmp_path: Path) -> None:
    from reflect_bot.cachefiles import locked

    corpus, _, _ = small
    cache = tmp_path / "cache"
    path = open_index(corpus, get_embedder, cache_dir=cache).path
    in_flight = path.parent / f".{path.name}.writing.tmp"
    in_flight.write_bytes(b"half")
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from reflect_bot.cachefiles import sweep
        sys.exit(len(sweep(Path({str(path.parent)!r}))))
    """)
    with locked(path.parent):  # another process is writing right now
        done = subprocess.run([sys.executable, "-c", script], timeout=120)
    assert done.returncode == 0 and in_flight.exists()


def test_two_rebuilds_at_once_leave_one_good_cache(small, tmp_path: Path) -> None:
    corpus, _, expected = small
    cache = tmp_path / "cache"
    folder = corpus.files[0].parent
    script = textwrap.dedent(f"""
        from pathlib import Path
        from reflect_bot.corpus import load_paths
        from reflect_bot.embedding import get_embedder
        from reflect_bot.index import open_index
        corpus = load_paths([Path({str(folder)!r})])
        result = open_index(corpus, get_embedder, cache_dir=Path({str(cache)!r}), rebuild=True)
        print(result.status)
    """)
    get_embedder()  # the export exists, so both children only build
    procs = [
        subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
    assert [out.strip() for out, _ in outs] == ["rebuilt", "rebuilt"]
    assert all(err == "" for _, err in outs), outs
    path = cache_path(corpus, cache)
    assert sorted(p.name for p in path.parent.iterdir()) == [".lock", path.name]
    result = open_index(corpus, never_embed, cache_dir=cache)
    assert result.status == "loaded" and expected_ids(corpus, result.index) == expected
