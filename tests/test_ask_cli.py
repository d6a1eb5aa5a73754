"""`reflect-bot ask` and `reflect-bot reflect`, driven through the real argument parser."""

from __future__ import annotations

import io
import json
import stat
import subprocess
import sys

import pytest

from reflect_bot import retrieval
from reflect_bot.cli import main


@pytest.fixture
def opened(retriever, monkeypatch):
    """Count how often the CLI opens the model (the session's index is already built)."""
    calls = []
    real = retrieval.Retriever.open.__func__

    def counting(cls, *args, **kwargs):
        calls.append(args)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(retrieval.Retriever, "open", classmethod(counting))
    return calls


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


@pytest.mark.slow
def test_ask_json_is_one_reply_with_its_passages(opened, capsys, corpus):
    code = main(["ask", "--json", "she cried all through the appointment and I froze"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"reply", "acknowledgement", "points", "questions", "passages", "crisis"}
    assert data["crisis"] is False and data["points"] and data["questions"]
    ids = [p["id"] for p in data["passages"]]
    for point in data["points"]:
        assert point["passage_id"] in ids
        assert point["text"] in corpus.get(point["passage_id"]).key_points  # verbatim
    assert all({"id", "title", "text", "topic", "sources", "score"} <= set(p)
               for p in data["passages"])
    assert data["acknowledgement"] in data["reply"]


@pytest.mark.slow
def test_ask_from_stdin_is_one_json_line_per_message_with_the_model_loaded_once(
    opened, capsys, monkeypatch
):
    _stdin(monkeypatch, "he missed his appointment again\nwhat's for lunch\n\nI want to die\n")
    assert main(["ask", "-"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    replies = [json.loads(line) for line in lines]
    assert [r["crisis"] for r in replies] == [False, False, False, True]
    assert replies[0]["points"] and not replies[1]["points"] and not replies[2]["points"]
    assert len(opened) == 1


@pytest.mark.slow
def test_ask_shows_the_crisis_routes_before_the_model_loads(retriever, capsys, monkeypatch):
    printed_before_loading = []
    real = retrieval.Retriever.open.__func__

    def watching(cls, *args, **kwargs):
        printed_before_loading.append(capsys.readouterr().out)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(retrieval.Retriever, "open", classmethod(watching))
    assert main(["ask", "I can't go on like this"]) == 0
    rest = capsys.readouterr().out
    early = printed_before_loading[0]
    assert "116 123" in early and "85258" in early
    assert "116 123" not in rest  # shown once, first
    assert rest.strip()  # and the reply still follows, offering to continue


def _script(*answers: str) -> str:
    return "".join(f"{a}\n\n" for a in answers)


@pytest.mark.slow
def test_reflect_walks_the_stages_and_writes_the_summary(opened, capsys, monkeypatch, tmp_path):
    out = tmp_path / "reflection.md"
    _stdin(monkeypatch, _script(
        "back",  # nothing before the first stage
        "What happened: he shouted when I raised the breach.",
        "I felt frightened and shaky.",
        "back",
        "Frightened, then relieved when he calmed down.",
        "skip",
        "Perhaps the breach felt like another authority letting him down.",
        "finish",
    ))
    assert main(["reflect", "--model", "gibbs", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""  # the summary went to the file
    assert "Stage 1 of 6: Description" in captured.err
    assert "Stage 4 of 6: Analysis" in captured.err
    summary = out.read_text(encoding="utf-8")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "> Frightened, then relieved when he calmed down." in summary
    assert "> I felt frightened and shaky." not in summary
    assert "## 3. Evaluation" in summary and "_(skipped)_" in summary
    assert "> Perhaps the breach felt like another authority letting him down." in summary
    assert "_(not reached)_" in summary  # conclusion and action plan
    assert len(opened) == 1


@pytest.mark.slow
def test_reflect_prints_the_summary_on_stdout_at_end_of_input(opened, capsys, monkeypatch):
    _stdin(monkeypatch, _script("What? A client disclosed abuse.", "So what? It shook me."))
    assert main(["reflect", "--model", "driscoll"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("# Reflection using Driscoll")
    assert "> What? A client disclosed abuse." in captured.out
    assert "## 3. Now what?" in captured.out


@pytest.mark.slow
def test_reflect_save_stores_a_redacted_entry(opened, capsys, monkeypatch):
    journal = pytest.importorskip("reflect_bot.journal")
    with journal.Journal() as store:
        before = len(store.list())
    _stdin(monkeypatch, _script("Met Jason Smith today and he was angry.", "finish"))
    assert main(["reflect", "--model", "kolb", "--save"]) == 0
    with journal.Journal() as store:
        entries = store.list()
    assert len(entries) == before + 1
    assert entries[0].kind == "reflection"
    assert "Saved to your journal" in capsys.readouterr().err


def test_reflect_out_to_a_folder_is_a_one_line_error(capsys, tmp_path, monkeypatch):
    _stdin(monkeypatch, "")
    assert main(["reflect", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("reflect-bot: error: --out") and "\n" not in err


def test_help_does_not_load_the_model():
    code = (
        "import sys\n"
        "from reflect_bot.cli import main\n"
        "for cmd in ('ask', 'reflect'):\n"
        "    try:\n"
        "        main([cmd, '--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'faiss') if m in sys.modules]\n"
        "sys.exit(1 if heavy else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "--json" in result.stdout and "--model" in result.stdout


@pytest.mark.slow
def test_reflect_out_file_is_redacted(opened, capsys, monkeypatch, tmp_path):
    """--out writes to disk, so the summary is redacted first; stdout shows nothing."""
    out = tmp_path / "reflection.md"
    _stdin(monkeypatch, _script("Mr Tobias Wainwright-Hale (CRN X918273) shouted at me.",
                                "finish"))
    assert main(["reflect", "--model", "gibbs", "--out", str(out)]) == 0
    summary = out.read_text(encoding="utf-8")
    assert "Wainwright-Hale" not in summary and "X918273" not in summary
    assert "[CRN-1]" in summary and capsys.readouterr().out == ""
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
