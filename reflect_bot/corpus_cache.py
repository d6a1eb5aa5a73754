"""The loaded, validated corpus, kept in the cache folder so a start skips YAML and checks.

Reading and validating the 73 topic files took about 0.8 s of a 1.4 s `ask` on a quiet
machine. The result is stored as JSON beside the index cache, under a key made of every
guidance file's path and sha256 (and, for Markdown and text, the year its source is dated
by) plus the hash of the code that validates them. Any change to a file or to that code
means the files are read and validated again, so a cached corpus is always one that passed
the same checks; `corpus check` never uses the cache. The file carries the sha256 of its own
contents: a damaged, truncated or foreign cache is read from the guidance again with one
line of notice, never a traceback. Written atomically, readable by the user alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reflect_bot import __version__, config
from reflect_bot.cachefiles import remove_orphans
from reflect_bot.corpus import (
    MAX_FILE_BYTES,
    YAML_SUFFIXES,
    Corpus,
    Passage,
    Source,
    Topic,
    corpus_files,
    load_paths,
)

FORMAT = 1
# The code a cached corpus depends on: a change to its checks or its dataclasses is a new key.
_CODE = ("corpus.py", "files.py", "lexical.py", "corpus_cache.py")
ORPHAN_AGE = 600  # seconds: a temporary file older than this was left by a killed writer


class CorruptCorpusCache(Exception):
    """The cache file cannot be read back as a corpus."""


def _warn(message: str) -> None:
    print(f"reflect-bot: warning: {message}", file=sys.stderr)


def cached_corpus(
    extra_dirs: Sequence[str | Path] = (),
    warn: Callable[[str], None] = _warn,
    cache_dir: Path | None = None,
) -> Corpus:
    """The corpus of the shipped folder, REFLECT_BOT_KNOWLEDGE and `extra_dirs`, as
    `corpus.load_corpus` gives it, from the cache when no file has changed."""
    return cached_paths(config.knowledge_dirs(extra_dirs), warn, cache_dir)


def cached_paths(
    dirs: Sequence[Path], warn: Callable[[str], None] = _warn, cache_dir: Path | None = None
) -> Corpus:
    files = corpus_files(dirs, warn)  # every start: a folder's listing may have changed
    key = cache_key(files)
    if key is None:  # a file that cannot be read or is too large: the loader says which
        return load_paths(dirs, warn)
    path = cache_path(files, cache_dir)
    try:
        corpus = read(path, key)
    except FileNotFoundError:
        corpus = None
    except (OSError, CorruptCorpusCache) as exc:
        warn(f"corpus cache {path} is unreadable ({exc}); reading the guidance again")
        corpus = None
    if corpus is not None:
        return corpus
    corpus = load_paths(dirs, lambda _: None)  # the listing above has warned already
    if [str(p) for p in corpus.files] == [str(p) for p in files]:
        try:
            write(path, key, corpus)
        except OSError:
            pass  # a read-only cache only costs the checks next time
    return corpus


def code_hash() -> str:
    digest = hashlib.sha256(f"{FORMAT} {__version__}".encode())
    for name in _CODE:
        try:
            digest.update((config.PACKAGE_ROOT / name).read_bytes())
        except OSError:  # installed without sources: the version alone
            digest.update(name.encode())
    return digest.hexdigest()


def cache_key(files: Sequence[Path]) -> dict[str, Any] | None:
    """What the cached corpus was made from; None if a file cannot be hashed."""
    entries = []
    try:
        for path in files:
            st = path.stat()
            if st.st_size > MAX_FILE_BYTES:
                return None
            entry: list[str | int] = [str(path.resolve()),
                                      hashlib.sha256(path.read_bytes()).hexdigest()]
            if path.suffix.lower() not in YAML_SUFFIXES:  # dated by the file (corpus.py)
                entry.append(dt.date.fromtimestamp(st.st_mtime).year)
            entries.append(entry)
    except OSError:
        return None
    return {"format": FORMAT, "code": code_hash(), "files": entries}


def cache_path(files: Sequence[Path], cache_dir: Path | None = None) -> Path:
    """One file per set of knowledge folders, as the index keeps one per set."""
    folders = sorted({str(p.resolve().parent) for p in files})
    key = hashlib.sha256("\n".join(folders).encode()).hexdigest()[:16]
    return (cache_dir or config.cache_dir()) / "corpus" / f"corpus-{key}.json"


# --- the file: a header line (key, payload hash), then the payload ---------------------------


def write(path: Path, key: dict[str, Any], corpus: Corpus) -> None:
    payload = json.dumps(to_data(corpus), ensure_ascii=False).encode("utf-8")
    header = {"key": key, "sha256": hashlib.sha256(payload).hexdigest()}
    config.private_dir(path.parent)
    remove_orphans(path.parent, older_than=ORPHAN_AGE)
    config.write_private_file(path, json.dumps(header).encode() + b"\n" + payload)


def read(path: Path, key: dict[str, Any]) -> Corpus | None:
    """The cached corpus; None if it was made from other files or code (stale, not damaged).
    Raises CorruptCorpusCache if it cannot be read back."""
    raw = path.read_bytes()
    head, newline, payload = raw.partition(b"\n")
    try:
        header = json.loads(head)
        if not newline or not isinstance(header, dict):
            raise ValueError("no header")
    except ValueError:
        raise CorruptCorpusCache("no header") from None
    if header.get("key") != key:
        return None
    if header.get("sha256") != hashlib.sha256(payload).hexdigest():
        raise CorruptCorpusCache("its contents do not match their checksum")
    try:
        return from_data(json.loads(payload.decode("utf-8")))
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise CorruptCorpusCache(f"{type(exc).__name__}: {exc}".splitlines()[0][:200]) from None


def to_data(corpus: Corpus) -> dict[str, Any]:
    sources: dict[Source, int] = {}

    def refs(items: tuple[Source, ...]) -> list[int]:
        return [sources.setdefault(s, len(sources)) for s in items]

    topics = [
        {"id": t.id, "title": t.title, "area": t.area, "summary": t.summary,
         "sources": refs(t.sources), "path": str(t.path), "passage_ids": list(t.passage_ids),
         "stories": list(t.stories)}
        for t in corpus.topics.values()
    ]
    passages = [
        {"id": p.id, "title": p.title, "text": p.text, "asks": list(p.asks),
         "topic_id": p.topic_id, "topic": p.topic, "area": p.area, "sources": refs(p.sources),
         "key_points": list(p.key_points)}
        for p in corpus.passages
    ]
    return {
        "files": [str(p) for p in corpus.files],
        "sources": [[s.title, s.author_or_publisher, s.year, s.url] for s in sources],
        "topics": topics,
        "passages": passages,
    }


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


def _strs(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, found {type(value).__name__}")
    return tuple(_str(v) for v in value)


def _sources(value: object, table: list[Source]) -> tuple[Source, ...]:
    if not isinstance(value, list) or not all(type(i) is int and i >= 0 for i in value):
        raise TypeError("source references are not a list of numbers")
    return tuple(table[i] for i in value)


def from_data(data: dict[str, Any]) -> Corpus:
    """The corpus back from `to_data`; every field's type is checked, and the topics and
    passages must refer to each other as a loaded corpus does."""
    table = [Source(*_strs(s)) for s in data["sources"]]  # not four fields: TypeError
    topics: dict[str, Topic] = {}
    for t in data["topics"]:
        topic = Topic(
            id=_str(t["id"]), title=_str(t["title"]), area=_str(t["area"]),
            summary=_str(t["summary"]), sources=_sources(t["sources"], table),
            path=Path(_str(t["path"])), passage_ids=_strs(t["passage_ids"]),
            stories=_strs(t["stories"]),
        )
        topics[topic.id] = topic
    passages = tuple(
        Passage(
            id=_str(p["id"]), title=_str(p["title"]), text=_str(p["text"]),
            asks=_strs(p["asks"]), topic_id=_str(p["topic_id"]), topic=_str(p["topic"]),
            area=_str(p["area"]), sources=_sources(p["sources"], table),
            key_points=_strs(p["key_points"]),
        )
        for p in data["passages"]
    )
    corpus = Corpus(passages=passages, topics=topics,
                    files=tuple(Path(f) for f in _strs(data["files"])))
    listed = [pid for t in topics.values() for pid in t.passage_ids]
    if not passages or listed != [p.id for p in passages] or len(corpus._by_id) != len(passages):
        raise ValueError("the topics and passages do not match")
    if any(p.topic_id not in topics for p in passages):
        raise ValueError("a passage names a topic that is not there")
    return corpus
