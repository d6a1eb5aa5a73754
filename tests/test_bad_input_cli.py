"""Bad input on every command: one plain line, exit 2, never a traceback, and bounded work.

Most of this runs through the real argument parser in-process (main() returns the exit
code and prints exactly what a user sees); the model is loaded only by the few tests marked
slow, which share the session's index. One subprocess checks the real entry point.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import pytest

from reflect_bot import retrieval
from reflect_bot.cli import main
from reflect_bot.cli.ask import _Answers
from reflect_bot.inputs import MAX_MESSAGE_CHARS, read_lines

RUN = "import sys; from reflect_bot.cli import main; sys.exit(main())"
STORY = "He shouted at me in the interview room and I froze, then I felt I had let him down. "


def _stdin(monkeypatch, data: bytes, tty: bool = False) -> None:
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    monkeypatch.setattr(stream, "isatty", lambda: tty)
    monkeypatch.setattr(sys, "stdin", stream)


def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("reflect-bot: error: "), err
    assert "Traceback" not in err and "usage:" not in err
    return lines[0]


@pytest.fixture
def no_model(monkeypatch):
    """Fail the test if the command opens the model for input it should refuse first."""

    def refuse(*args, **kwargs):
        raise AssertionError("the model was opened")

    monkeypatch.setattr(retrieval.Retriever, "open", classmethod(refuse))


# --- usage errors: argparse's own, on every command -------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--bogus"],
        ["nope"],
        ["search"],
        ["search", "x", "--bogus"],
        ["search", "x", "-k", "abc"],
        ["index", "--bogus"],
        ["ask"],
        ["ask", "--nope", "hi"],
        ["reflect", "--model", "nope"],
        ["reflect", "--bogus"],
        ["redact", "--bogus"],
        ["corpus"],
        ["corpus", "nope"],
        ["journal"],
        ["journal", "show"],
        ["journal", "show", "abc"],
        ["journal", "show", "-5"],
        ["journal", "show", "99999999999999999999"],
        ["journal", "delete", "99999999999999999999", "--yes"],
        ["journal", "export", "1", "--bogus"],
        ["journal", "purge", "--older-than", "x"],
        ["journal", "list", "--bogus"],
    ],
)
def test_every_usage_error_is_one_line_and_exit_2(argv, capsys, no_model):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    _one_error_line(err)


def test_the_installed_entry_point_gives_one_line_too(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", RUN, "search", "x", "--bogus"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert _one_error_line(done.stderr).endswith("(see 'reflect-bot --help')")


def test_what_was_typed_cannot_put_escapes_in_an_error(capsys, no_model):
    assert main(["search", "x", "--\x1b[2Jbogus"]) == 2
    assert "\x1b" not in _one_error_line(capsys.readouterr().err)


# --- empty, whitespace-only and escape-only messages: refused before the model loads ----------


@pytest.mark.parametrize("command", ["ask", "search"])
@pytest.mark.parametrize("text", ["", "   ", "\n\t\n", "\x1b[31m\x1b[0m", "\x00\x07"])
def test_an_empty_message_is_one_line_and_exit_2(command, text, capsys, no_model):
    assert main([command, text]) == 2
    assert "empty" in _one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("k", ["0", "-3"])
def test_top_k_below_one_is_refused_before_the_model_loads(k, capsys, no_model):
    assert main(["search", "I froze", "-k", k]) == 2
    assert "--top-k" in _one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("argv", [["corpus", "check"], ["search", "I froze"]])
def test_a_file_where_a_folder_is_wanted(argv, tmp_path, capsys):
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("root:x:0:0\n")
    assert main(["--knowledge", str(not_a_folder), *argv]) == 2
    assert "not a folder" in _one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    "argv", [["journal", "show", "4611686018427387904"],
             ["journal", "export", "4611686018427387904"],
             ["journal", "delete", "4611686018427387904", "--yes"]],
)
def test_a_journal_entry_that_does_not_exist(argv, capsys):
    assert main(argv) == 2
    assert "no journal entry" in _one_error_line(capsys.readouterr().err)


# --- standard input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "line"),
    [(b"Kyle rang\nthen \xff\xfe\n", 2), (bytes(range(256)) * 40, 2), (b"\x80" * 1000, 1)],
)
def test_redact_names_the_line_that_is_not_utf8(data, line, capsys, monkeypatch):
    _stdin(monkeypatch, data)
    assert main(["redact"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"(line {line})" in _one_error_line(err)


@pytest.mark.parametrize("argv", [["ask", "-"], ["search", "-", "--json"]])
@pytest.mark.parametrize("data", [bytes(range(128, 256)) * 100, b"I froze \xff\n"])
def test_a_batch_that_is_not_utf8_is_refused_before_the_model_loads(
    argv, data, capsys, monkeypatch, no_model
):
    _stdin(monkeypatch, data)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and "(line 1, character" in _one_error_line(err)


@pytest.mark.parametrize("argv", [["ask", "-"], ["search", "-"]])
def test_an_empty_batch_prints_nothing_and_loads_nothing(argv, capsys, monkeypatch, no_model):
    _stdin(monkeypatch, b"")
    assert main(argv) == 0
    assert capsys.readouterr() == ("", "")


def test_redact_keeps_10000_lines_line_for_line(capsys, monkeypatch):
    data = b"".join(b"line %d: Kyle rang\n" % i for i in range(10_000))
    _stdin(monkeypatch, data)
    assert main(["redact"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 10_000 and out[-1] == "line 9999: [NAME-1] rang"


def _answers(data: bytes) -> list[str | None]:
    """Two answers as `reflect` reads them (always as typed: see the next tests)."""
    answers = _Answers(read_lines(io.BytesIO(data), strict=False), io.StringIO(), set())
    return [answers.read() for _ in range(2)]


def test_reflect_reads_ten_thousand_lines_as_one_capped_answer(capsys):
    data = b"".join(b"line %d: he shouted at me and I froze\n" % i for i in range(10_000))
    answer, after = _answers(data)
    assert answer is not None and len(answer) <= MAX_MESSAGE_CHARS and after is None
    assert answer.startswith("line 0: he shouted")
    notice = capsys.readouterr().err
    assert "only its first 20,000 characters were read" in notice


def test_reflect_strips_nul_and_escapes_from_an_answer():
    answer, _ = _answers(b"\x1b[31mhe shouted\x00 at me\x1b[0m\n\n")
    assert answer == "he shouted at me"


def test_reflect_bytes_that_are_not_utf8_are_replaced_with_a_note_and_cost_nothing(capsys):
    """A reflection is typed, piped or not: a stray byte never stops it or loses an answer."""
    first, second = _answers(b"first answer\n\nI \xff froze\n\n")
    assert first == "first answer" and second == "I \ufffd froze"
    assert "line 3: bytes that are not UTF-8" in capsys.readouterr().err


def test_search_text_scores_are_printed_highest_first(corpus):
    from reflect_bot.cli.search import format_hits
    from reflect_bot.retrieval import Hit

    passages = corpus.passages[:4]
    scores = [0.91, 0.62, 0.75, 0.58]  # MMR order: diversity can put a lower score first
    pairs = zip(passages, scores, strict=True)
    hits = [Hit(p, s, rank, 0.5) for rank, (p, s) in enumerate(pairs, 1)]
    text = format_hits("I froze", hits)
    shown = [float(x) for x in re.findall(r"\(score ([0-9.]+)\)", text)]
    assert shown == sorted(scores, reverse=True)
    numbers = re.findall(r"^(\d+)\. ", text, re.MULTILINE)
    assert numbers == ["1", "2", "3", "4"]


# --- with the model: batches of awkward lines, huge messages -----------------------------------


@pytest.mark.slow
def test_ask_batch_replies_to_each_line_and_stops_at_bytes_that_are_not_utf8(
    retriever, capsys, monkeypatch
):
    huge = (STORY * (5_000_000 // len(STORY) + 1))[:5_000_000]
    data = (
        b"he shouted at me\n"
        b"he shouted\x00 at me and I froze\n"
        b"\x1b[31mI want to die\x1b[0m\n"
        b"   \n" + huge.encode() + b"\nI froze \xff\n"
        b"never read\n"
    )
    _stdin(monkeypatch, data)
    assert main(["ask", "-"]) == 2
    out, err = capsys.readouterr()
    replies = [json.loads(line) for line in out.splitlines()]
    assert len(replies) == 5
    assert replies[2]["crisis"] is True  # the words behind the escapes were read
    assert replies[4]["points"] or replies[4]["questions"]
    notes = err.splitlines()
    assert "reflect-bot: line 4: empty message" in notes
    assert any(n.startswith("reflect-bot: line 5: only the first 20,000 characters") for n in notes)
    assert notes[-1].startswith("reflect-bot: error: standard input is not UTF-8 text (line 6,")
    assert "Traceback" not in err and "\x1b" not in out


@pytest.mark.slow
def test_search_batch_and_arguments_with_awkward_input(retriever, corpus, capsys, monkeypatch):
    huge = (STORY * (5_000_000 // len(STORY) + 1))[:5_000_000]
    _stdin(monkeypatch, b"I froze\n\t \n" + huge.encode() + b"\n\xc3\x28\n")
    assert main(["search", "-", "--json", "-k", "3"]) == 2
    out, err = capsys.readouterr()
    results = [json.loads(line) for line in out.splitlines()]
    assert [len(r) for r in results] == [3, 0, 3]
    assert "(line 4, character 1)" in err.splitlines()[-1]

    assert main(["search", "\x1b[31mhe shouted at me\x1b[0m", "-k", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Guidance for: he shouted at me\n") and "\x1b" not in out

    assert main(["search", "I froze", "--json", "-k", str(10**9)]) == 0
    assert len(json.loads(capsys.readouterr().out)) == len(corpus.passages)

    argument = b"I froze \xff".decode("utf-8", "surrogateescape")  # as argv hands it over
    assert main(["search", argument, "--json", "-k", "1"]) == 0
    out, err = capsys.readouterr()
    assert len(json.loads(out)) == 1 and "were read as \ufffd" in err


@pytest.mark.slow
def test_the_core_caps_a_huge_message_itself(composer, retriever):
    """Whoever calls the core (the app, a script) gets bounded work, not only the CLI."""
    huge = (STORY * (5_000_000 // len(STORY) + 1))[:5_000_000]
    reply = composer.compose(huge)
    assert reply.points or reply.questions
    assert len(retriever.search(huge, 3)) == 3
    assert composer.compose("\x00\x1b[0m").note == composer.prompts.replies.empty


@pytest.mark.slow
def test_long_texts_encoded_in_small_batches_keep_their_vectors_and_order():
    """Long texts are encoded apart (bounded memory); each keeps its place and its vector."""
    import numpy as np

    from reflect_bot.embedding import get_embedder

    embedder = get_embedder()
    texts = ["I froze."] * 20 + [STORY * 40, "he shouted", STORY * 10] + [STORY * 9] * 8
    together = embedder.encode(texts)
    alone = np.vstack([embedder.encode([t]) for t in texts])
    assert together.shape == (len(texts), embedder.dimension)
    assert np.allclose(together, alone, atol=1e-4)
