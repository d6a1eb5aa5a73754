"""The loader: validation errors name the file, line or passage and field; user guidance
in Markdown/text is split into passages; the shipped corpus meets its quality bar."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from reflect_bot.cli import main
from reflect_bot.corpus import (
    MAX_WORDS,
    MIN_WORDS,
    ask_overlap,
    load_paths,
    quality_problems,
)
from reflect_bot.errors import CorpusError

WORDS_60 = " ".join(["Listening"] + ["carefully helps people feel safe enough to talk."] * 8)


def topic_yaml(passage: str = "", *, sources: str | None = None, extra: str = "") -> str:
    sources = (
        sources
        if sources is not None
        else textwrap.dedent(
            """\
        sources:
          - title: A source
            author_or_publisher: A publisher
            year: 2022
            url: https://example.org/a
        """
        )
    )
    passage = passage or textwrap.dedent(
        f"""\
          - id: sample-one
            title: One idea
            text: {WORDS_60}
            asks: [he just glared at me, I froze up, what now]
        """
    )
    head = "topic: Sample\narea: tip-basics\nsummary: A sample topic.\n"
    return f"{head}{extra}{sources}passages:\n{passage}"


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_valid_topic_loads(tmp_path: Path) -> None:
    write(tmp_path, "sample.yaml", topic_yaml())
    corpus = load_paths([tmp_path])
    p = corpus.get("sample-one")
    assert p.topic == "Sample" and p.topic_id == "sample" and p.area == "tip-basics"
    assert p.sources[0].author_or_publisher == "A publisher" and p.sources[0].year == "2022"
    assert len(p.asks) == 3


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (topic_yaml(sources="sources: []\n"), "field 'sources' must list at least one source"),
        (
            topic_yaml(
                "  - id: sample-one\n    title: T\n    text: too short to count\n"
                "    asks: [a, b, c]\n"
            ),
            f"sample-one: field 'text' has 4 words (must be {MIN_WORDS}-{MAX_WORDS})",
        ),
        (
            topic_yaml(f"  - id: sample-one\n    title: T\n    text: {WORDS_60}\n    asks: [a]\n"),
            "sample-one: field 'asks' has 1 phrasings (must be 3-6)",
        ),
        (
            topic_yaml(
                f"  - id: Bad Id\n    title: T\n    text: {WORDS_60}\n    asks: [a, b, c]\n"
            ),
            "passage 1: field 'id' must be lowercase",
        ),
        (
            topic_yaml("  - id: sample-one\n    title: T\n    text: ''\n    asks: [a, b, c]\n"),
            "sample-one: field 'text' is missing or empty",
        ),
        (
            topic_yaml(
                f"  - id: sample-one\n    title: T\n    txt: {WORDS_60}\n    asks: [a, b, c]\n"
            ),
            "unknown field 'txt'",
        ),
        (
            topic_yaml(
                f"  - id: sample-one\n    title: T\n    text: {WORDS_60}\n    asks: [a, b, c]\n"
                "    cite: [3]\n"
            ),
            "field 'cite' must list source numbers from 1 to 1",
        ),
        (
            topic_yaml(sources="sources:\n  - title: A page\n    author_or_publisher: A charity\n"
                               "    year: undated\n    url: https://example.org/a\n"),
            "source 1: field 'year' must be the year published (2022) or, for an undated page, "
            "'accessed YYYY-MM', not 'undated'",
        ),
        (
            topic_yaml(sources="sources:\n  - title: A page\n    year: 2020\n"
                               "    url: https://example.org/a\n"),
            "field 'author_or_publisher'",
        ),
        (
            topic_yaml(sources="sources:\n  - author_or_publisher: A charity\n    year: 2020\n"
                               "    url: https://example.org/a\n"),
            "source 1: field 'title' is missing or empty",
        ),
        (
            topic_yaml(sources="sources:\n  - title: A page\n    author_or_publisher: A charity\n"
                               "    url: https://example.org/a\n"),
            "source 1: field 'year' is missing or empty",
        ),
        ("topic: [unclosed\n", "invalid YAML"),
        ("- just a list\n", "expected a mapping"),
    ],
)
def test_invalid_topic_names_file_and_field(tmp_path: Path, content: str, expected: str) -> None:
    path = write(tmp_path, "sample.yaml", content)
    with pytest.raises(CorpusError) as err:
        load_paths([tmp_path])
    message = str(err.value)
    assert str(path) in message and expected in message
    assert "\n" not in message


def test_error_names_the_line(tmp_path: Path) -> None:
    passage = (
        f"  - id: sample-one\n    title: T\n    text: {WORDS_60}\n    asks: [a, b, c]\n"
        "  - id: sample-two\n    title: T\n    text: short\n    asks: [a, b, c]\n"
    )
    write(tmp_path, "sample.yaml", topic_yaml(passage))
    with pytest.raises(CorpusError, match=r"sample\.yaml:14: passage sample-two"):
        load_paths([tmp_path])


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", topic_yaml())
    write(tmp_path, "b.yaml", topic_yaml())
    with pytest.raises(
        CorpusError, match=r"b\.yaml: passage sample-one: id is also used in .*a\.yaml"
    ):
        load_paths([tmp_path])


def test_cli_check_reports_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    write(tmp_path, "broken.yaml", topic_yaml(sources="sources: []\n"))
    assert main(["--knowledge", str(tmp_path), "corpus", "check"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "broken.yaml" in err and "Traceback" not in err


def test_cli_missing_knowledge_folder(tmp_path: Path, capsys) -> None:
    assert main(["--knowledge", str(tmp_path / "nope"), "corpus", "stats"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_markdown_split_at_headings_with_file_as_source(tmp_path: Path) -> None:
    para = "Offer a choice of seat and explain who will read the notes afterwards. " * 6
    write(
        tmp_path,
        "local-guide.md",
        f"# Our local guide\n\n## Reception\n\n{para}\n\n{para}\n\n## Home visits\n\n{para}\n",
    )
    write(tmp_path, "README.md", "# Not guidance\n\nThis readme is skipped.")
    corpus = load_paths([tmp_path])
    titles = [p.title for p in corpus.passages]
    assert titles[0] == "Reception" and "Home visits" in titles
    assert all(MIN_WORDS <= p.words <= MAX_WORDS for p in corpus.passages)
    assert corpus.passages[0].topic == "Our local guide"
    assert corpus.passages[0].sources[0].title == "local-guide.md"
    assert "readme" not in " ".join(p.text.lower() for p in corpus.passages)
    # Nothing is lost in the splitting.
    assert sum(p.words for p in corpus.passages) == 3 * len(para.split())


def test_long_text_file_split_at_sentences(tmp_path: Path) -> None:
    sentence = "Staff said supervision gave them room to think about the people they work with."
    write(tmp_path, "notes.txt", " ".join([sentence] * 60))
    corpus = load_paths([tmp_path])
    assert len(corpus.passages) > 1
    assert all(p.words <= MAX_WORDS for p in corpus.passages)
    assert all(p.text.endswith(".") for p in corpus.passages)


def test_ask_overlap_counts_shared_content_words() -> None:
    text = "Offer a choice of seat and explain who will read the notes."
    assert ask_overlap("she kept staring at the door", text) == (0, 0.0)
    shared, share = ask_overlap("explain the notes and the seat choice", text)
    assert shared == 4 and share == 1.0


def test_quality_flags_an_ask_that_repeats_the_text(tmp_path: Path) -> None:
    text = WORDS_60
    write(
        tmp_path,
        "sample.yaml",
        topic_yaml(
            f"  - id: sample-one\n    title: T\n    text: {text}\n"
            "    asks: [listening carefully helps people feel safe, b c, d e]\n"
        ),
    )
    problems = quality_problems(load_paths([tmp_path]))
    assert [p for p in problems if "repeats" in p and "sample-one" in p]
    assert [p for p in problems if "no key_points" in p and "sample-one" in p]


# --- key points and stories -------------------------------------------------------------

KEY_POINT_CASES = [
    ("That is why trust takes time with people on probation.", "leans on something said"),
    ("Suppose a man misses appointments because trust is low.", "leans on something said"),
    ("For example, appointments can be moved when trust is low.", "leans on something said"),
    ("Is trust built by predictable appointments?", "ending with a full stop"),
    ("Trust grows with predictable appointments. People notice it.", "single sentence"),
    ("Say \"trust me at appointments to people on probation.", "unclosed quotation"),
    ("Trust grows.", "words"),
    ("Weather forecasts can change quickly in spring and summer.", "too few words"),
    (" ".join(["Trust"] * 31) + ".", "31 words"),
]


@pytest.mark.parametrize(("point", "problem"), KEY_POINT_CASES)
def test_key_point_rules(tmp_path: Path, point: str, problem: str) -> None:
    text = "Trust grows with people on probation when appointments are predictable. " * 6
    write(
        tmp_path,
        "sample.yaml",
        topic_yaml(
            f"  - id: sample-one\n    title: T\n    text: {text}\n"
            "    asks: [a b, b c, d e]\n"
            "    key_points:\n"
            "      - Predictable appointments help trust grow with people on probation.\n"
            f"      - {point}\n"
        ),
    )
    with pytest.raises(CorpusError) as err:
        load_paths([tmp_path])
    message = str(err.value)
    assert "sample.yaml:" in message and "key_points[2]" in message and problem in message
    line = int(message.split("sample.yaml:")[1].split(":")[0])
    assert point.split()[0] in (tmp_path / "sample.yaml").read_text().splitlines()[line - 1]


def test_a_good_key_point_loads(tmp_path: Path) -> None:
    text = "Trust grows with people on probation when appointments are predictable. " * 6
    write(
        tmp_path,
        "sample.yaml",
        topic_yaml(
            f"  - id: sample-one\n    title: T\n    text: {text}\n"
            "    asks: [a b, b c, d e]\n"
            "    key_points:\n"
            "      - Predictable appointments help trust grow with people on probation.\n"
            "      - Tell people on probation what happens next, so trust can grow.\n"
        ),
    )
    (passage,) = load_paths([tmp_path]).passages
    assert passage.key_points[1].startswith("Tell people")


def test_every_shipped_passage_has_standalone_key_points(corpus) -> None:
    from reflect_bot.corpus import key_point_problem

    for p in corpus.passages:
        assert 2 <= len(p.key_points) <= 4, p.id
        for point in p.key_points:
            assert key_point_problem(point, f"{p.title} {p.text}") is None, (p.id, point)


def test_every_shipped_topic_has_stories(corpus) -> None:
    for topic in corpus.topics.values():
        assert len(topic.stories) >= 4, topic.id


def _runs(text: str, n: int) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_corpus_does_not_copy_the_seed_documents(corpus) -> None:
    """Our own words: no run of 8 identical words from ../shared/seeds/ outside quotation
    marks (a quoted phrase carries its citation)."""
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("the seed documents are not beside this checkout")
    seed_runs: set[tuple[str, ...]] = set()
    for path in seeds.glob("*.txt"):
        seed_runs |= _runs(path.read_text(encoding="utf-8"), 8)
    quoted = re.compile(r'"[^"]*"|\u201c[^\u201d]*\u201d')
    copied = []
    for p in corpus.passages:
        for part in (p.text, *p.key_points):
            if _runs(quoted.sub(" ", part), 8) & seed_runs:
                copied.append(p.id)
    assert copied == []


# --- the shipped corpus ---------------------------------------------------------------


def test_shipped_corpus_passes_quality_checks(corpus) -> None:
    assert quality_problems(corpus) == []
    for p in corpus.passages:
        assert p.sources, p.id
        assert MIN_WORDS <= p.words <= MAX_WORDS, p.id
        assert 3 <= len(p.asks) <= 6, p.id
        assert p.id.startswith(p.topic_id), p.id


def test_shipped_corpus_size(corpus) -> None:
    assert len(corpus.topics) >= 70
    assert len(corpus.passages) >= 480


def test_shipped_corpus_uses_person_first_language(corpus) -> None:
    """'offender' only in proper names (Female Offender Strategy) or as a quoted label."""
    quoted = re.compile(r'"[^"]*"|\u201c[^\u201d]*\u201d')
    allowed = "young offender institution"
    lapses = [
        p.id for p in corpus.passages
        if re.search(r"\boffenders?\b", quoted.sub("", p.text).replace(allowed, ""))
    ]
    assert lapses == []


def test_no_near_duplicate_passages(retriever) -> None:
    vectors = retriever.index.passage_vectors
    sims = vectors @ vectors.T
    n = len(vectors)
    pairs = [
        (retriever.corpus.passages[i].id, retriever.corpus.passages[j].id, float(sims[i, j]))
        for i in range(n)
        for j in range(i + 1, n)
        if sims[i, j] > 0.95
    ]
    assert pairs == []


def test_evaluation_queries_are_not_the_asks(corpus) -> None:
    """tests/retrieval_cases.yaml must measure colloquial retrieval, not recall of the asks:
    no query may share most of its content words with any ask of the passages it expects."""
    import yaml

    from reflect_bot.corpus import content_words

    path = Path(__file__).resolve().parent / "retrieval_cases.yaml"
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    too_close = []
    for case in cases:
        words = content_words(case["query"])
        for pid in case["expect"]:
            for ask in corpus.get(pid).asks:
                ask_words = content_words(ask)
                union = words | ask_words
                if union and len(words & ask_words) / len(union) > 0.5:
                    too_close.append((case["query"], ask))
    assert too_close == []


def test_every_shipped_area_has_a_title(corpus) -> None:
    from reflect_bot.corpus import AREA_TITLES, area_title

    assert {t.area for t in corpus.topics.values()} <= set(AREA_TITLES)
    assert area_title("aces") == "Adverse childhood experiences"
    assert area_title("our-local-bit") == "Our local bit"


def test_every_shipped_topic_is_evaluated(corpus) -> None:
    """Each topic has at least 3 retrieval cases (tests/retrieval_cases.yaml) that expect one
    of its passages, and is a labelled topic of at least 2 stories (tests/stories/)."""
    import yaml

    here = Path(__file__).resolve().parent
    topic_of = {p.id: p.topic_id for p in corpus.passages}
    cases = yaml.safe_load((here / "retrieval_cases.yaml").read_text(encoding="utf-8"))
    case_count = {t: 0 for t in corpus.topics}
    for case in cases:
        for topic in {topic_of[pid] for pid in case["expect"]}:
            case_count[topic] += 1
    story_count = {t: 0 for t in corpus.topics}
    for path in sorted((here / "stories").glob("*.yaml")):
        for story in yaml.safe_load(path.read_text(encoding="utf-8")):
            for topic in story.get("topics") or []:
                if topic in story_count:
                    story_count[topic] += 1
    assert [t for t, n in case_count.items() if n < 3] == []
    assert [t for t, n in story_count.items() if n < 2] == []


def test_seating_advice_leaves_everyone_a_way_out(corpus) -> None:
    """Advice to offer a seat by or facing the door must agree with de-escalation: nobody
    boxed in, so the same text (passage or key point) keeps a clear way out for both."""
    advice = re.compile(
        r"\b(offer|offering|let|letting|choose|choosing)\b[^.;]{0,40}\bseat\b[^.;]{0,40}\bdoor\b"
        r"|\bseat (by|near|nearer|facing) the door\b",
        re.IGNORECASE,
    )
    way_out = re.compile(
        r"way out|way to the door|reach the door|routes? out|boxed|blocking the other",
        re.IGNORECASE,
    )
    boxed_in = [
        (p.id, part[:60])
        for p in corpus.passages
        for part in (p.text, *p.key_points)
        if advice.search(part) and not way_out.search(part)
    ]
    assert boxed_in == []


def test_safeguarding_routes_are_set_out_once(corpus) -> None:
    """One obvious place for the safeguarding routes: the Welsh duty to report anyone there is
    reasonable cause to suspect is at risk is stated in one passage, which the others defer to."""
    stating = [p.id for p in corpus.passages if "reasonable cause to suspect" in p.text]
    assert stating == ["disclosure-of-abuse-safeguarding-routes"]


# --- folders and files that are not what they seem (issues 14 and 17) -------------------


@pytest.mark.parametrize("make", ["file", "fifo", "device"])
def test_knowledge_that_is_not_a_folder_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: str
) -> None:
    import os

    target = {"file": tmp_path / "notes.md", "fifo": tmp_path / "pipe",
              "device": Path("/dev/zero")}[make]
    if make == "file":
        write(tmp_path, "notes.md", "# Notes\n\n" + WORDS_60)
    elif make == "fifo":
        os.mkfifo(target)
    assert main(["--knowledge", str(target), "corpus", "check"]) == 2
    err = capsys.readouterr().err
    assert err == f"reflect-bot: error: {target}: is not a folder; --knowledge takes a folder " \
                  "of guidance\n"


def test_odd_entries_in_a_folder_are_skipped_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    write(tmp_path, "sample.yaml", topic_yaml())
    os.mkfifo(tmp_path / "pipe.md")  # opening it would wait for ever
    (tmp_path / "folder.md").mkdir()
    write(tmp_path, "secret.md", "# Secret\n\n" + WORDS_60)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: not str(p).endswith("secret.md")
                        and real_access(p, mode))  # as if unreadable (tests may run as root)
    warnings: list[str] = []
    corpus = load_paths([tmp_path], warn=warnings.append)
    assert [p.id for p in corpus.passages] == ["sample-one"]
    assert warnings == [
        f"{tmp_path / 'folder.md'}: skipped: not a regular file",
        f"{tmp_path / 'pipe.md'}: skipped: not a regular file",
        f"{tmp_path / 'secret.md'}: skipped: cannot be read (permission denied)",
    ]


def test_an_unlistable_folder_is_skipped_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    write(good, "sample.yaml", topic_yaml())
    real = Path.iterdir

    def iterdir(self: Path):
        if self == bad:
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    warnings: list[str] = []
    assert len(load_paths([good, bad], warn=warnings.append).passages) == 1
    assert warnings == [f"{bad}: knowledge folder skipped: cannot be read (Permission denied)"]


def test_absurdly_deep_or_big_yaml_is_refused_before_parsing(tmp_path: Path) -> None:
    write(tmp_path, "deep.yaml", "topic: " + "[" * 20_000 + "]" * 20_000 + "\n")
    with pytest.raises(CorpusError, match=r"deep\.yaml:1: invalid YAML \(nested more than 64"):
        load_paths([tmp_path])
    (tmp_path / "deep.yaml").unlink()
    write(tmp_path, "big.yaml", topic_yaml() + "#" * 2_000_001)
    with pytest.raises(CorpusError, match=r"big\.yaml: is larger than 2 MB"):
        load_paths([tmp_path])
