"""The index cache: a hit never re-embeds, a changed corpus rebuilds, a corrupt or
truncated cache warns once and rebuilds, and saving is atomic."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reflect_bot.config import KNOWLEDGE_DIR
from reflect_bot.corpus import load_paths
from reflect_bot.embedding import get_embedder
from reflect_bot.index import cache_path, open_index


@pytest.fixture
def small_corpus_dir(tmp_path: Path, corpus) -> Path:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    for topic in list(corpus.topics.values())[:2]:
        shutil.copy(topic.path, folder / topic.path.name)
    return folder


def never_embed():
    raise AssertionError("the cache should have been used, not the model")


def test_build_then_cache_hit(small_corpus_dir: Path, tmp_path: Path, retriever) -> None:
    corpus = load_paths([small_corpus_dir])
    first = open_index(corpus, get_embedder, cache_dir=tmp_path / "cache")
    assert first.status == "built"
    assert first.index.size == len(corpus.passages) + sum(
        len(p.asks) + len(p.key_points) for p in corpus.passages
    )
    assert (first.path.stat().st_mode & 0o777) in (0o600, 0o644)
    assert (first.path.parent.stat().st_mode & 0o777) == 0o700
    second = open_index(corpus, never_embed, cache_dir=tmp_path / "cache")
    assert second.status == "loaded"
    assert second.index.manifest == first.index.manifest
    assert (second.index.passage_vectors == first.index.passage_vectors).all()
    assert list(first.path.parent.glob(".index-*")) == []  # no temp files left behind


def test_changed_corpus_rebuilds(small_corpus_dir: Path, tmp_path: Path, retriever) -> None:
    corpus = load_paths([small_corpus_dir])
    open_index(corpus, get_embedder, cache_dir=tmp_path / "cache")
    path = sorted(small_corpus_dir.glob("*.yaml"))[0]
    path.write_text(path.read_text() + "\n# edited\n")
    changed = load_paths([small_corpus_dir])
    result = open_index(changed, get_embedder, cache_dir=tmp_path / "cache")
    assert result.status == "rebuilt" and result.reason == "corpus or model changed"


@pytest.mark.parametrize("damage", ["garbage", "truncate", "empty"])
def test_corrupt_cache_warns_and_rebuilds(
    small_corpus_dir: Path, tmp_path: Path, damage: str, retriever
) -> None:
    corpus = load_paths([small_corpus_dir])
    built = open_index(corpus, get_embedder, cache_dir=tmp_path / "cache")
    data = built.path.read_bytes()
    built.path.write_bytes(
        {"garbage": b"not an index at all", "truncate": data[: len(data) // 2], "empty": b""}[
            damage
        ]
    )
    warnings: list[str] = []
    result = open_index(corpus, get_embedder, cache_dir=tmp_path / "cache", warn=warnings.append)
    assert result.status == "rebuilt" and result.reason == "cache was unreadable"
    assert len(warnings) == 1 and "unreadable" in warnings[0] and "\n" not in warnings[0]
    # and the rebuilt cache is good again
    assert open_index(corpus, never_embed, cache_dir=tmp_path / "cache").status == "loaded"


def test_extra_folders_get_their_own_cache(small_corpus_dir: Path, tmp_path: Path) -> None:
    shipped = load_paths([KNOWLEDGE_DIR])
    assert cache_path(shipped, tmp_path) != cache_path(load_paths([small_corpus_dir]), tmp_path)


def test_a_vectors_temp_file_left_by_a_killed_writer_is_removed(tmp_path) -> None:
    """Issue 18: a kill mid-write leaves `.name.xxxx.tmp` in the cache; the next write to the
    folder removes it, but never a young one another process may be writing now."""
    import os
    import time

    import numpy as np

    from reflect_bot.vectors import ORPHAN_AGE, cached_array

    folder = tmp_path / "vectors"
    folder.mkdir()
    old, young = folder / ".abc.npy.k1ll3d.tmp", folder / ".def.npy.wr1t1ng.tmp"
    old.write_bytes(b"half a file")
    young.write_bytes(b"being written")
    past = time.time() - ORPHAN_AGE - 60
    os.utime(old, (past, past))
    cached_array("test", ["a text"], lambda: np.ones((1, 3), dtype=np.float32), (1, 3),
                 tmp_path)
    assert not old.exists() and young.exists()
    assert len(list(folder.glob("*.npy"))) == 1
