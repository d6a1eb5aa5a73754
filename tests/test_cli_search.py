"""`reflect-bot search`, `index`, `corpus` as a user runs them."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from reflect_bot.cli import main

KEYS = {"id", "title", "text", "topic", "topic_id", "key_points", "sources", "score"}


def test_search_json_schema(retriever, capsys) -> None:
    assert main(["search", "I felt useless when she walked out", "--json", "-k", "4"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert len(results) == 4
    for item in results:
        assert set(item) == KEYS
        assert item["text"] and item["title"] and item["topic"]
        assert item["sources"] and set(item["sources"][0]) == {
            "title",
            "author_or_publisher",
            "year",
            "url",
        }
        assert isinstance(item["score"], float)
    assert len({r["id"] for r in results}) == 4


def test_search_text_output_is_readable(retriever, capsys) -> None:
    assert main(["search", "he shouted at me in reception", "-k", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Guidance for: he shouted at me in reception")
    assert "1. " in out and "2. " in out and "3. " not in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_stdin_batch_is_json_lines(retriever, capsys, monkeypatch) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.StringIO("I can't sleep after that case\n\nshe said nothing\n")
    )
    assert main(["search", "-", "--json", "-k", "3"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 3
    first, blank, third = (json.loads(line) for line in lines)
    assert len(first) == 3 and blank == [] and len(third) == 3
    assert "line 2: empty query" in captured.err


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_exit_2(query: str, capsys) -> None:
    assert main(["search", query]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reflect-bot: error:") and err.count("\n") == 1


def test_bad_top_k(capsys) -> None:
    assert main(["search", "hello", "-k", "0"]) == 2
    assert "--top-k" in capsys.readouterr().err


def test_index_reports_what_it_did(retriever, capsys) -> None:
    assert main(["index"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Up to date:") and "passages" in out and "vectors" in out
    assert "Stored in" in out


def test_corpus_check_and_stats(capsys) -> None:
    assert main(["corpus", "check"]) == 0
    assert capsys.readouterr().out.startswith("OK:")
    assert main(["corpus", "stats"]) == 0
    out = capsys.readouterr().out
    assert "topics" in out and "passages" in out and "words" in out


def test_help_starts_without_heavy_imports() -> None:
    code = (
        "import sys\n"
        "from reflect_bot.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'torch', 'sentence_transformers', 'faiss', 'transformers', 'textual', 'bm25s'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "search" in out.stdout and out.stderr.strip() == "[]"


@pytest.mark.slow
def test_index_replies_prepares_what_replies_need(composer, capsys) -> None:
    """`make run` calls `index --replies`, so the app's first start has nothing to encode."""
    composer.warm()  # the session's cache: this checks the command, not a cold build
    assert main(["index", "--replies"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Up to date") and "Replies ready:" in out
