"""The corpus cache: a start with unchanged guidance skips reading and validating it; any
change to a file means the checks run again; every kind of damage is read from the guidance
again with at most one line of notice, never a traceback."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import time
from pathlib import Path

import pytest

from reflect_bot import corpus_cache
from reflect_bot.cli import main
from reflect_bot.corpus import load_paths
from reflect_bot.corpus_cache import ORPHAN_AGE, cache_path, cached_paths
from reflect_bot.errors import CorpusError


@pytest.fixture
def folder(tmp_path: Path, corpus) -> Path:
    """Two topics of the shipped guidance and a Markdown file a user added."""
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    for topic in list(corpus.topics.values())[:2]:
        shutil.copy(topic.path, knowledge / topic.path.name)
    (knowledge / "our-notes.md").write_text(
        "# Our notes\n\n" + "We meet people where they are and keep our word. " * 8 + "\n"
    )
    return knowledge


def files_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir())


def never_validate(*args, **kwargs):
    raise AssertionError("the cached corpus should have been used, not the files")


def load(folder: Path, cache: Path, warnings: list[str] | None = None):
    return cached_paths([folder], (warnings if warnings is not None else []).append, cache)


def test_second_start_uses_the_cache_and_gives_the_same_corpus(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = load_paths([folder])
    first = load(folder, tmp_path / "cache")
    assert first == fresh
    monkeypatch.setattr(corpus_cache, "load_paths", never_validate)
    second = load(folder, tmp_path / "cache")
    assert second == fresh
    assert second.passages == fresh.passages and second.topics == fresh.topics
    assert second.get(fresh.passages[-1].id) == fresh.passages[-1]


def test_shipped_corpus_round_trips(corpus, tmp_path: Path) -> None:
    from reflect_bot.config import KNOWLEDGE_DIR

    cache = tmp_path / "cache"
    assert load(KNOWLEDGE_DIR, cache) == corpus
    assert load(KNOWLEDGE_DIR, cache) == corpus


def test_cache_is_private(folder: Path, tmp_path: Path) -> None:
    load(folder, tmp_path / "cache")
    path = cache_path(files_of(folder), tmp_path / "cache")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_changed_file_is_validated_again(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = load(folder, cache)
    first = before.passages[0].id
    topic = before.topics[before.passages[0].topic_id].path
    text = topic.read_text()
    assert f"id: {first}\n" in text
    topic.write_text(text.replace(f"id: {first}\n", f"id: {first}-renamed\n", 1))
    after = load(folder, cache)
    assert f"{first}-renamed" in after and first not in after
    # a change that breaks a rule is refused with the loader's line, cache or not
    topic.write_text(text.replace("\npassages:", "\nbogus: 1\npassages:", 1))
    with pytest.raises(CorpusError, match="unknown field 'bogus'"):
        load(folder, cache)


def test_a_new_or_removed_file_is_seen(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load(folder, cache)
    (folder / "more.md").write_text("# More\n\n" + "Ask what would help today. " * 10 + "\n")
    assert "more" in load(folder, cache).topics
    (folder / "more.md").unlink()
    assert "more" not in load(folder, cache).topics


def test_changed_code_means_a_fresh_load(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    load(folder, cache)
    monkeypatch.setattr(corpus_cache, "code_hash", lambda: "another version")
    calls = []
    real = corpus_cache.load_paths
    monkeypatch.setattr(corpus_cache, "load_paths", lambda *a: calls.append(1) or real(*a))
    warnings: list[str] = []
    assert load(folder, cache, warnings) == load_paths([folder])
    assert calls and warnings == []  # stale is not damage: nothing to say


def resign(path: Path, payload: bytes) -> None:
    """Write `payload` under the cache's own header with a correct checksum, so only the
    payload's contents are wrong."""
    header = json.loads(path.read_bytes().partition(b"\n")[0])
    header["sha256"] = hashlib.sha256(payload).hexdigest()
    path.write_bytes(json.dumps(header).encode() + b"\n" + payload)


def edit_payload(path: Path, change) -> None:
    data = json.loads(path.read_bytes().partition(b"\n")[2])
    change(data)
    resign(path, json.dumps(data).encode())


DAMAGE = {
    "empty": lambda p: p.write_bytes(b""),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "garbage": lambda p: p.write_bytes(os.urandom(4096)),
    "header only": lambda p: p.write_bytes(p.read_bytes().partition(b"\n")[0]),
    "one byte changed": lambda p: p.write_bytes(
        p.read_bytes()[:-40] + bytes([p.read_bytes()[-40] ^ 1]) + p.read_bytes()[-39:]
    ),
    "not JSON inside": lambda p: resign(p, b"{not json"),
    "not UTF-8 inside": lambda p: resign(p, b'{"files": "\xff"}'),
    "a list, not a mapping": lambda p: resign(p, b"[]"),
    "a field missing": lambda p: edit_payload(p, lambda d: d["passages"][0].pop("text")),
    "a number for text": lambda p: edit_payload(
        p, lambda d: d["passages"][0].__setitem__("title", 7)
    ),
    "asks not a list": lambda p: edit_payload(p, lambda d: d["passages"][0].__setitem__(
        "asks", "one ask")),
    "a source out of range": lambda p: edit_payload(
        p, lambda d: d["passages"][0].__setitem__("sources", [999])
    ),
    "a source with three fields": lambda p: edit_payload(p, lambda d: d["sources"][0].pop()),
    "a passage dropped": lambda p: edit_payload(p, lambda d: d["passages"].pop()),
    "a passage's topic gone": lambda p: edit_payload(
        p, lambda d: d["passages"][0].__setitem__("topic_id", "nowhere")
    ),
    "no passages": lambda p: edit_payload(
        p, lambda d: (d.__setitem__("passages", []), [t.__setitem__("passage_ids", [])
                                                      for t in d["topics"]])
    ),
}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damaged_cache_is_read_again_from_the_guidance(
    folder: Path, tmp_path: Path, kind: str
) -> None:
    cache = tmp_path / "cache"
    fresh = load(folder, cache)
    path = cache_path(files_of(folder), cache)
    DAMAGE[kind](path)
    warnings: list[str] = []
    assert load(folder, cache, warnings) == fresh
    assert len(warnings) == 1 and "corpus cache" in warnings[0] and "\n" not in warnings[0]
    # ...and written again, good
    later: list[str] = []
    assert load(folder, cache, later) == fresh and later == []


def test_folder_in_place_of_the_cache(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = cache_path(files_of(folder), cache)
    path.mkdir(parents=True)
    warnings: list[str] = []
    assert load(folder, cache, warnings) == load_paths([folder])
    assert len(warnings) == 1


def test_unwritable_cache_path_still_loads(folder: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    assert load(folder, blocker) == load_paths([folder])


def test_orphan_temp_files_are_removed_on_the_next_write(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load(folder, cache)
    path = cache_path(files_of(folder), cache)
    old = path.parent / f".{path.name}.dead.tmp"
    young = path.parent / f".{path.name}.busy.tmp"
    old.write_bytes(b"half")
    young.write_bytes(b"half")
    past = time.time() - ORPHAN_AGE - 60
    os.utime(old, (past, past))
    path.write_bytes(b"")  # damaged: rewritten, which clears old orphans
    load(folder, cache)
    assert not old.exists() and young.exists()


def test_unreadable_guidance_file_is_the_loader_s_error(folder: Path, tmp_path: Path) -> None:
    (folder / "huge.yaml").write_bytes(b"x" * 2_000_001)
    with pytest.raises(CorpusError, match="huge.yaml"):
        load(folder, tmp_path / "cache")


def test_corpus_check_never_uses_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    (tmp_path / "notes.md").write_text("# Notes\n\n" + "Keep your word to people. " * 12)
    monkeypatch.setattr(corpus_cache, "read", never_validate)
    monkeypatch.setattr(corpus_cache, "write", never_validate)
    assert main(["--knowledge", str(tmp_path), "corpus", "check"]) == 0
    assert "topics" in capsys.readouterr().out
