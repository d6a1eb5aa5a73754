"""The guidance corpus: load and validate knowledge folders into Passages.

A folder holds one YAML file per topic (format in knowledge/README.md) and, for guidance
a user adds, plain `.md`/`.txt` files that are split into passages at headings and groups
of paragraphs. Every problem is raised as a CorpusError naming the file, the line or
passage id, and the field, so `reflect-bot corpus check` can print it as one line.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from reflect_bot import config
from reflect_bot.errors import CorpusError
from reflect_bot.files import BoundedLoader, FileReadError, read_text, yaml_problem
from reflect_bot.lexical import stopwords

MIN_WORDS = 40
MAX_WORDS = 220
MIN_ASKS = 3
MAX_ASKS = 6
MAX_ASK_OVERLAP = 0.5
MIN_SHARED_TO_FLAG = 3  # a short ask sharing two words with its passage is still its own phrasing
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
TOPIC_KEYS = {"topic", "area", "summary", "sources", "passages", "stories"}
SOURCE_KEYS = {"title", "author_or_publisher", "year", "url"}
PASSAGE_KEYS = {"id", "title", "text", "asks", "cite", "key_points"}
# Key points are what a reply quotes: each must make sense read alone, under a heading, next
# to points from other passages. So: one sentence, short, and not leaning on a sentence
# before it ("That is why...", "Suppose a man...") or open-ended ("?").
MIN_KEY_POINTS = 2
MAX_KEY_POINTS = 4
MAX_KEY_POINT_WORDS = 30
MIN_KEY_POINT_WORDS = 5
MIN_KEY_POINT_SUPPORT = 2  # content words a key point must share with its passage
LEANING_OPENERS = re.compile(
    r"^[\"'“‘(]*(?:that|this|these|those|it|its|they|them|their|such|suppose|"
    r"for\s+example|for\s+instance|e\.g\.?|he|she|his|her|here|there|both|also|so|but|and|"
    r"or|then|however|instead|otherwise|again|yet|likewise|similarly|the\s+(?:first|second|"
    r"third|last|other|same|latter|former)|another|in\s+other\s+words|as\s+a\s+result)\b",
    re.IGNORECASE,
)
# Stories are first-person examples of what a practitioner brings that this topic answers:
# labelled examples for understanding a message (reflect_bot/reply/understand.py).
MIN_STORY_WORDS = 12
MAX_STORY_WORDS = 120
TEXT_SUFFIXES = {".md", ".txt", ".markdown"}
# The areas of knowledge/README.md, as a trainer would read them; an area a user's own
# guidance invents is shown as its id with the hyphens taken out.
AREA_TITLES = {
    "tip-basics": "What trauma-informed practice is",
    "aces": "Adverse childhood experiences",
    "trauma-body": "Trauma and the body",
    "trauma-in-practice": "How trauma shows up in probation",
    "retraumatisation": "Re-traumatisation",
    "relationships": "Trust and the working relationship",
    "enforcement": "Enforcement, breach and recall",
    "specific-groups": "Specific groups",
    "practical-skills": "Practical skills",
    "strengths": "Strengths, desistance and hope",
    "staff-impact": "The impact on staff",
    "staff-support": "Support for staff",
    "reflective-practice": "Reflective practice",
    "organisation": "Trauma-informed organisations",
    "crisis-support": "When you are struggling",
    "local": "Your own guidance",
}


def area_title(area: str) -> str:
    return AREA_TITLES.get(area, area.replace("-", " ").capitalize())
YAML_SUFFIXES = {".yaml", ".yml"}
# A topic file people write is tens of kilobytes; anything past this is not guidance.
MAX_FILE_BYTES = 2_000_000
# Everyday words too weak to count when checking that an `ask` is not the passage in other
# clothes (on top of the stopwords lexical matching drops).
WEAK_WORDS = frozenset(
    "know feel felt think going want wanted make made said says tell told keep kept "
    "people person every never always".split()
)


@dataclass(frozen=True)
class Source:
    title: str
    author_or_publisher: str
    year: str
    url: str

    def cite(self) -> str:
        """Short form for a reference list: 'Publisher (year)'."""
        return f"{self.author_or_publisher} ({self.year})"


@dataclass(frozen=True)
class Passage:
    id: str
    title: str
    text: str
    asks: tuple[str, ...]
    topic_id: str
    topic: str
    area: str
    sources: tuple[Source, ...]
    key_points: tuple[str, ...] = ()

    @property
    def words(self) -> int:
        return len(self.text.split())

    def reference(self) -> str:
        """The passage as a reference: 'Title (Topic). Publisher (year); ...'."""
        return f"{self.title} ({self.topic}). {'; '.join(s.cite() for s in self.sources)}."


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    area: str
    summary: str
    sources: tuple[Source, ...]
    path: Path
    passage_ids: tuple[str, ...]
    stories: tuple[str, ...] = ()


@dataclass
class Corpus:
    passages: tuple[Passage, ...]
    topics: dict[str, Topic]
    files: tuple[Path, ...] = ()
    _by_id: dict[str, Passage] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {p.id: p for p in self.passages}

    def get(self, passage_id: str) -> Passage:
        try:
            return self._by_id[passage_id]
        except KeyError:
            raise CorpusError(f"no passage with id {passage_id!r}") from None

    def __contains__(self, passage_id: object) -> bool:
        return passage_id in self._by_id

    def references(self) -> dict[str, str]:
        """Passage id -> its reference, for exports of journal entries (which store ids)."""
        return {p.id: p.reference() for p in self.passages}

    def __len__(self) -> int:
        return len(self.passages)


def passage_json(p: Passage, score: float | None = None) -> dict[str, Any]:
    """The object `search --json` prints for one passage."""
    return {
        "id": p.id,
        "title": p.title,
        "text": p.text,
        "topic": p.topic,
        "topic_id": p.topic_id,
        "key_points": list(p.key_points),
        "sources": [
            {
                "title": s.title,
                "author_or_publisher": s.author_or_publisher,
                "year": s.year,
                "url": s.url,
            }
            for s in p.sources
        ],
        "score": None if score is None else round(float(score), 6),
    }


# --- loading ---------------------------------------------------------------------------


if TYPE_CHECKING:
    _FastestSafeLoader = yaml.SafeLoader
else:  # libyaml's when PyYAML was built with it
    _FastestSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_FastestSafeLoader):
    """A safe loader that remembers the line each mapping starts on (as '__line__').

    libyaml's loader when PyYAML has it: the pure-Python one took most of a search's start
    (about 2 s of 2.5 s on a quiet machine) parsing the 73 topic files. libyaml cannot be
    told a depth limit, so a file that might nest deeper than MAX_YAML_DEPTH (see
    `_may_nest_deeply`) is read with the bounded pure-Python loader instead."""


class _BoundedLineLoader(BoundedLoader):
    """The same, refusing nesting deeper than MAX_YAML_DEPTH (files.BoundedLoader)."""


_LEADING = re.compile(r"^((?:[ \t]|- |\? )*)", re.MULTILINE)


def _may_nest_deeply(text: str) -> bool:
    """An upper bound on the nesting: each level needs more indentation, another '- ' or
    '? ' on its line, or a flow bracket. Shipped topics are far below the limit."""
    from reflect_bot.files import MAX_YAML_DEPTH

    lead = max((len(m.group(1)) for m in _LEADING.finditer(text)), default=0)
    return lead + text.count("[") + text.count("{") + 2 > MAX_YAML_DEPTH


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


for _loader in (_LineLoader, _BoundedLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def _warn(message: str) -> None:
    print(f"reflect-bot: warning: {message}", file=sys.stderr)


def corpus_files(dirs: Iterable[Path], warn: Callable[[str], None] = _warn) -> list[Path]:
    """Every guidance file in `dirs`, sorted; READMEs and hidden files are not guidance.

    A name that is not a folder is an error. Inside a folder, anything that cannot be read
    as a regular file (a FIFO, a device, a file or folder without permission) is skipped
    with a warning naming it, so one odd entry never stops the rest loading.
    """
    files: list[Path] = []
    for d in dirs:
        if not d.exists():
            raise CorpusError(f"{d}: knowledge folder does not exist")
        if not d.is_dir():
            raise CorpusError(f"{d}: is not a folder; --knowledge takes a folder of guidance")
        try:
            listing = sorted(d.iterdir())
        except OSError as exc:
            warn(f"{d}: knowledge folder skipped: cannot be read ({exc.strerror or exc})")
            continue
        for path in listing:
            if path.name.startswith((".", "_")) or path.stem.lower() == "readme":
                continue
            if path.suffix.lower() not in YAML_SUFFIXES | TEXT_SUFFIXES:
                continue
            if not path.is_file():
                warn(f"{path}: skipped: not a regular file")
                continue
            if not os.access(path, os.R_OK):
                warn(f"{path}: skipped: cannot be read (permission denied)")
                continue
            files.append(path)
    return files


def load_corpus(
    extra_dirs: Sequence[str | Path] = (), warn: Callable[[str], None] = _warn
) -> Corpus:
    """Load the shipped knowledge folder plus REFLECT_BOT_KNOWLEDGE and `extra_dirs`."""
    return load_paths(config.knowledge_dirs(extra_dirs), warn)


def load_paths(dirs: Sequence[Path], warn: Callable[[str], None] = _warn) -> Corpus:
    files = corpus_files(dirs, warn)
    topics: dict[str, Topic] = {}
    passages: list[Passage] = []
    seen: dict[str, Path] = {}
    for path in files:
        if path.suffix.lower() in YAML_SUFFIXES:
            topic, topic_passages = _load_yaml_topic(path)
        else:
            topic, topic_passages = _load_text_topic(path)
        if topic.id in topics:
            raise CorpusError(
                f"{path}: topic id {topic.id!r} is also used by {topics[topic.id].path}"
            )
        for p in topic_passages:
            if p.id in seen:
                raise CorpusError(f"{path}: passage {p.id}: id is also used in {seen[p.id]}")
            seen[p.id] = path
        topics[topic.id] = topic
        passages.extend(topic_passages)
    if not passages:
        raise CorpusError(f"no guidance found in {', '.join(str(d) for d in dirs)}")
    return Corpus(passages=tuple(passages), topics=topics, files=tuple(files))


def _read(path: Path) -> str:
    try:
        return read_text(path, MAX_FILE_BYTES)
    except FileReadError as exc:
        raise CorpusError(str(exc)) from None


def _str_field(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise CorpusError(f"{where}: field '{key}' is missing or empty")
    return " ".join(value.split())


def _unknown_keys(data: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(k for k in data if k != "__line__" and k not in allowed)
    if extra:
        raise CorpusError(
            f"{where}: unknown field '{extra[0]}' (expected one of {', '.join(sorted(allowed))})"
        )


def _load_yaml_topic(path: Path) -> tuple[Topic, list[Passage]]:
    try:
        text = _read(path)
        loader = _BoundedLineLoader if _may_nest_deeply(text) else _LineLoader
        data = yaml.load(text, Loader=loader)  # noqa: S506 - SafeLoader subclasses
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc)
        raise CorpusError(f"{path}{line}: invalid YAML ({problem})") from None
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: expected a mapping with topic, summary, sources, passages")
    _unknown_keys(data, TOPIC_KEYS, str(path))
    title = _str_field(data, "topic", str(path))
    summary = _str_field(data, "summary", str(path))
    area = str(data.get("area") or "other").strip()
    sources = _sources(data.get("sources"), path)
    raw_passages = data.get("passages")
    if not isinstance(raw_passages, list) or not raw_passages:
        raise CorpusError(f"{path}: field 'passages' must be a non-empty list")
    lines = text.splitlines()
    passages = [
        _passage(raw, i, path, title, area, sources, lines)
        for i, raw in enumerate(raw_passages, 1)
    ]
    topic = Topic(
        id=path.stem,
        title=title,
        area=area,
        summary=summary,
        sources=sources,
        path=path,
        passage_ids=tuple(p.id for p in passages),
        stories=_stories(data.get("stories"), path, lines),
    )
    return topic, passages


def _line_of(lines: Sequence[str], needle: str, after: int) -> int | str:
    """The 1-based line at or after `after` where `needle` (its first words) starts."""
    probe = " ".join(needle.split()[:4])
    for i in range(max(after - 1, 0), len(lines)):
        if probe and probe in " ".join(lines[i].split()):
            return i + 1
    return after


def _strings(raw: object, field_name: str, where: str) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise CorpusError(f"{where}: field '{field_name}' must be a list of sentences")
    return [" ".join(x.split()) for x in raw]


def _stories(raw: object, path: Path, lines: Sequence[str]) -> tuple[str, ...]:
    if raw is None:
        return ()
    stories = _strings(raw, "stories", str(path))
    for i, story in enumerate(stories, 1):
        n = len(story.split())
        if not MIN_STORY_WORDS <= n <= MAX_STORY_WORDS:
            line = _line_of(lines, story, 1)
            raise CorpusError(
                f"{path}:{line}: stories[{i}] has {n} words "
                f"(must be {MIN_STORY_WORDS}-{MAX_STORY_WORDS})"
            )
    return tuple(stories)


def key_point_problem(point: str, passage_text: str) -> str | None:
    """Why `point` cannot be quoted on its own as a key point of `passage_text`, or None."""
    n = len(point.split())
    if not MIN_KEY_POINT_WORDS <= n <= MAX_KEY_POINT_WORDS:
        return f"has {n} words (must be {MIN_KEY_POINT_WORDS}-{MAX_KEY_POINT_WORDS})"
    if LEANING_OPENERS.match(point):
        first = point.split()[0]
        return f"opens with {first!r}, which leans on something said before; name the subject"
    if not point[0].isupper() and not point[0].isdigit() and point[0] not in "\"'“(":
        return "must start with a capital letter"
    if not re.search(r"[.!][\"')”’]*$", point):
        return "must be one whole statement ending with a full stop"
    if re.search(r"[.!?][\"')”’]*\s+[\"'(“]?[A-Z]", point[:-1]):
        return "must be a single sentence"
    for left, right in ('()', '“”'):
        if point.count(left) != point.count(right):
            return f"has an unclosed {left}{right}"
    if point.count('"') % 2:
        return 'has an unclosed quotation mark (")'
    shared = content_words(point) & content_words(passage_text)
    if len(shared) < MIN_KEY_POINT_SUPPORT:
        return "shares too few words with its passage to be supported by it"
    return None


def _sources(raw: object, path: Path) -> tuple[Source, ...]:
    if not isinstance(raw, list) or not raw:
        raise CorpusError(f"{path}: field 'sources' must list at least one source")
    sources = []
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise CorpusError(f"{path}: source {i}: expected title, author_or_publisher, year, url")
        where = f"{path}:{item.get('__line__', '?')}: source {i}"
        _unknown_keys(item, SOURCE_KEYS, where)
        sources.append(
            Source(
                title=_str_field(item, "title", where),
                author_or_publisher=_str_field(item, "author_or_publisher", where),
                year=_year(item, where),
                url=_str_field(item, "url", where),
            )
        )
    return tuple(sources)


# A source's date: the year it was published, or, for an undated web page, when it was read.
_YEAR = re.compile(r"(1[5-9]\d\d|20\d\d)|accessed 20\d\d-(0[1-9]|1[0-2])")


def _year(item: dict[str, Any], where: str) -> str:
    year = _str_field(item, "year", where)
    if not _YEAR.fullmatch(year):
        raise CorpusError(
            f"{where}: field 'year' must be the year published (2022) or, for an undated page, "
            f"'accessed YYYY-MM', not {year!r}"
        )
    return year


def _passage(
    raw: object,
    index: int,
    path: Path,
    topic: str,
    area: str,
    sources: tuple[Source, ...],
    lines: Sequence[str] = (),
) -> Passage:
    if not isinstance(raw, dict):
        raise CorpusError(f"{path}: passage {index}: expected a mapping with id, title, text, asks")
    line = raw.get("__line__", "?")
    pid = raw.get("id")
    if not isinstance(pid, str) or not ID_PATTERN.match(pid):
        raise CorpusError(
            f"{path}:{line}: passage {index}: field 'id' must be lowercase letters, digits and "
            "hyphens"
        )
    where = f"{path}:{line}: passage {pid}"
    _unknown_keys(raw, PASSAGE_KEYS, where)
    title = _str_field(raw, "title", where)
    text = _str_field(raw, "text", where)
    words = len(text.split())
    if not MIN_WORDS <= words <= MAX_WORDS:
        raise CorpusError(
            f"{where}: field 'text' has {words} words (must be {MIN_WORDS}-{MAX_WORDS})"
        )
    asks = raw.get("asks")
    if not isinstance(asks, list) or not all(isinstance(a, str) and a.strip() for a in asks):
        raise CorpusError(f"{where}: field 'asks' must be a list of phrasings")
    if not MIN_ASKS <= len(asks) <= MAX_ASKS:
        raise CorpusError(
            f"{where}: field 'asks' has {len(asks)} phrasings (must be {MIN_ASKS}-{MAX_ASKS})"
        )
    cited = sources
    if "cite" in raw:
        cite = raw["cite"]
        if (
            not isinstance(cite, list)
            or not cite
            or not all(isinstance(c, int) and 1 <= c <= len(sources) for c in cite)
        ):
            raise CorpusError(
                f"{where}: field 'cite' must list source numbers from 1 to {len(sources)}"
            )
        cited = tuple(sources[c - 1] for c in cite)
    key_points: list[str] = []
    if "key_points" in raw:
        key_points = _strings(raw["key_points"], "key_points", where)
        if not MIN_KEY_POINTS <= len(key_points) <= MAX_KEY_POINTS:
            raise CorpusError(
                f"{where}: field 'key_points' has {len(key_points)} points "
                f"(must be {MIN_KEY_POINTS}-{MAX_KEY_POINTS})"
            )
        for i, point in enumerate(key_points, 1):
            problem = key_point_problem(point, f"{title} {text}")
            if problem:
                at = _line_of(lines, point, line if isinstance(line, int) else 1)
                raise CorpusError(f"{path}:{at}: passage {pid}: key_points[{i}] {problem}")
    return Passage(
        id=pid,
        title=title,
        text=text,
        asks=tuple(" ".join(a.split()) for a in asks),
        topic_id=path.stem,
        topic=topic,
        area=area,
        sources=cited,
        key_points=tuple(key_points),
    )


# --- plain text and Markdown a user adds -------------------------------------------------

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "guidance"


def _load_text_topic(path: Path) -> tuple[Topic, list[Passage]]:
    """Split a Markdown or text file into passages of 40-220 words under their headings."""
    text = _read(path)
    title = path.stem.replace("-", " ").replace("_", " ").strip().capitalize()
    sections: list[tuple[str, list[str]]] = []  # (heading, paragraphs)
    heading = title
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            if paragraphs:
                sections.append((heading, paragraphs))
                paragraphs = []
            heading = match.group(2) or heading
            if match.group(1) == "#" and not sections:
                title = heading
            continue
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    if paragraphs:
        sections.append((heading, paragraphs))

    year = str(dt.date.fromtimestamp(path.stat().st_mtime).year)
    source = Source(
        title=path.name,
        author_or_publisher="Local guidance",
        year=year,
        url=path.resolve().as_uri(),
    )
    stem = _slug(path.stem)
    passages: list[Passage] = []
    for heading, paras in sections:
        for chunk in _chunks(paras):
            n = len(passages) + 1
            passages.append(
                Passage(
                    id=f"{stem}-{n}",
                    title=heading if heading != title or n == 1 else f"{heading} ({n})",
                    text=chunk,
                    asks=(),
                    topic_id=stem,
                    topic=title,
                    area="local",
                    sources=(source,),
                )
            )
    if not passages:
        raise CorpusError(f"{path}: no text to use as guidance")
    topic = Topic(
        id=stem,
        title=title,
        area="local",
        summary=passages[0].text.split(". ")[0][:200],
        sources=(source,),
        path=path,
        passage_ids=tuple(p.id for p in passages),
    )
    return topic, passages


def _chunks(paragraphs: list[str]) -> list[str]:
    """Group paragraphs into chunks of at most MAX_WORDS words, splitting long ones at
    sentence ends; a short tail joins the chunk before it so nothing is lost."""
    pieces: list[str] = []
    for para in paragraphs:
        if len(para.split()) <= MAX_WORDS:
            pieces.append(para)
            continue
        sentence_group: list[str] = []
        for sentence in _SENTENCE_END.split(para):
            words = sentence.split()
            while len(words) > MAX_WORDS:  # one enormous sentence: cut it
                pieces.append(" ".join(words[:MAX_WORDS]))
                words = words[MAX_WORDS:]
            sentence = " ".join(words)
            if len(" ".join(sentence_group + [sentence]).split()) > MAX_WORDS:
                pieces.append(" ".join(sentence_group))
                sentence_group = []
            sentence_group.append(sentence)
        if sentence_group:
            pieces.append(" ".join(sentence_group))
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        joined = f"{current}\n\n{piece}" if current else piece
        if current and len(joined.split()) > MAX_WORDS:
            chunks.append(current)
            current = piece
        else:
            current = joined
        if len(current.split()) >= MIN_WORDS * 2:
            chunks.append(current)
            current = ""
    if current:
        if (
            chunks
            and len(current.split()) < MIN_WORDS
            and len((chunks[-1] + " " + current).split()) <= MAX_WORDS
        ):
            chunks[-1] = f"{chunks[-1]}\n\n{current}"
        else:
            chunks.append(current)
    return chunks


# --- quality checks for `corpus check` ----------------------------------------------------


@functools.lru_cache(maxsize=2048)
def content_words(text: str) -> frozenset[str]:
    """Words of 4+ letters that carry meaning, crudely singularised (kept per text: every
    key point of a passage is checked against the same passage text at each load)."""
    words = set()
    for w in re.findall(r"[a-z][a-z']+", text.lower()):
        w = w.strip("'")
        if len(w) < 4 or w in WEAK_WORDS or w in stopwords():
            continue
        if w.endswith("'s"):
            w = w[:-2]
        if w.endswith("s") and not w.endswith("ss") and len(w) > 4:
            w = w[:-1]
        words.add(w)
    return frozenset(words)


def ask_overlap(ask: str, text: str) -> tuple[int, float]:
    """How many of the ask's content words also appear in the passage text, and what share."""
    words = content_words(ask)
    if not words:
        return 0, 0.0
    shared = len(words & content_words(text))
    return shared, shared / len(words)


def quality_problems(corpus: Corpus) -> list[str]:
    """Problems the loader does not reject but the shipped corpus must not have."""
    problems = []
    for p in corpus.passages:
        if not p.asks:
            continue
        if not p.key_points:
            problems.append(
                f"{corpus.topics[p.topic_id].path}: passage {p.id}: no key_points (replies "
                "quote key points; give it 2-4)"
            )
        for ask in p.asks:
            shared, overlap = ask_overlap(ask, p.text)
            if shared >= MIN_SHARED_TO_FLAG and overlap > MAX_ASK_OVERLAP:
                problems.append(
                    f"{corpus.topics[p.topic_id].path}: passage {p.id}: ask {ask!r} repeats "
                    f"{overlap:.0%} of its content words from the text (at most "
                    f"{MAX_ASK_OVERLAP:.0%})"
                )
    return problems
