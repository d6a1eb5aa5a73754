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


# --- reflect without the model: what is typed is never lost, and nothing identifying is
# written anywhere (issues 14 and 17). The composer is left out, so these run in a moment.


@pytest.fixture
def no_model(monkeypatch):
    from reflect_bot.cli import ask as ask_cli

    monkeypatch.setattr(ask_cli, "BackgroundComposer", lambda load, prompts: None)


PLANTED = ("Darren Whitlock", "Whitlock", "14 Elm Road", "LU1 3AB", "X123456")
STORY = "I met Darren Whitlock at his flat, 14 Elm Road, Luton LU1 3AB. His CRN is X123456."


def test_reflect_out_to_a_missing_folder_is_refused_before_the_first_stage(
    no_model, capsys, monkeypatch, tmp_path
):
    _stdin(monkeypatch, _script("An answer that must not be typed in vain."))
    assert main(["reflect", "--out", str(tmp_path / "no" / "such" / "x.md")]) == 2
    captured = capsys.readouterr()
    assert "Stage 1" not in captured.err and sys.stdin.read() != ""  # nothing was asked
    assert captured.err.count("\n") == 1 and "does not exist" in captured.err


def test_reflect_out_refuses_a_symlink_and_an_existing_file_without_force(
    no_model, capsys, monkeypatch, tmp_path
):
    real = tmp_path / "notes.txt"
    real.write_text("keep me\n")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    _stdin(monkeypatch, _script("Words.", "finish"))
    assert main(["reflect", "--out", str(link), "--force"]) == 2
    assert "symbolic link" in capsys.readouterr().err and real.read_text() == "keep me\n"
    real.chmod(0o644)
    _stdin(monkeypatch, _script("Words.", "finish"))
    assert main(["reflect", "--out", str(real)]) == 2
    assert "--force" in capsys.readouterr().err and real.read_text() == "keep me\n"
    _stdin(monkeypatch, _script("Words of the reflection.", "finish"))
    assert main(["reflect", "--out", str(real), "--force"]) == 0
    assert "> Words of the reflection." in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


def test_reflect_write_error_prints_the_redacted_summary_first(
    no_model, capsys, monkeypatch, tmp_path
):
    from reflect_bot import config

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(config.os, "fsync", full)
    _stdin(monkeypatch, _script(STORY, "I felt anxious all afternoon.", "finish"))
    assert main(["reflect", "--out", str(tmp_path / "r.md")]) == 2
    captured = capsys.readouterr()
    assert "> I felt anxious all afternoon." in captured.out and "[CRN-1]" in captured.out
    assert not any(p in captured.out for p in PLANTED)
    assert captured.err.rstrip().splitlines()[-1].startswith("reflect-bot: error: --out")
    assert "No space left" in captured.err and list(tmp_path.iterdir()) == []


def test_finish_on_the_line_after_an_answer_is_not_part_of_it(no_model, capsys, monkeypatch):
    _stdin(monkeypatch, "He was late again and I lost my temper a little.\nfinish\n")
    assert main(["reflect", "--model", "gibbs"]) == 0
    summary = capsys.readouterr().out
    assert "> He was late again and I lost my temper a little.\n\n" in summary
    assert "> finish" not in summary and summary.count("_(not reached)_") == 5


def test_back_then_skip_in_the_terminal_clears_the_answer(no_model, capsys, monkeypatch):
    _stdin(monkeypatch, "First words about the visit.\n\nback\nskip\nfinish\n")
    assert main(["reflect", "--model", "gibbs"]) == 0
    captured = capsys.readouterr()
    assert "Skipped" in captured.err or "skipped" in captured.err
    assert "First words" not in captured.out and "_(skipped)_" in captured.out


def test_a_cp1252_byte_in_the_third_answer_loses_nothing(no_model, capsys, monkeypatch):
    """Issue 17: one byte that is not UTF-8 in the third answer cost the first two."""
    raw = b"First answer here.\n\nSecond answer here.\n\n" + b"caf\xe9 third\n\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    assert main(["reflect", "--model", "gibbs"]) == 0
    captured = capsys.readouterr()
    assert "> First answer here." in captured.out and "> Second answer here." in captured.out
    assert "> caf\ufffd third" in captured.out
    assert "line 5: bytes that are not UTF-8 text were read as \ufffd" in captured.err
    assert "Traceback" not in captured.err


def test_an_error_mid_reflection_prints_every_answer_so_far_redacted(capsys, monkeypatch):
    """Issue 17: whatever fails (here the guidance, at the second answer), nothing typed
    is lost: the summary so far, redacted, then one line."""
    from reflect_bot.cli import ask as ask_cli
    from reflect_bot.errors import CorpusError
    from reflect_bot.reply import Reply

    class Failing:
        calls = 0

        def stage_questions(self, stage, said=(), k=3):
            return stage.questions[:3]

        def compose(self, message, history=(), *, focus=None):
            self.calls += 1
            if self.calls == 2:
                raise CorpusError("knowledge/extra.yaml:3: invalid YAML (found a tab)")
            return Reply(acknowledgement="Thank you.", grounded=False)

    monkeypatch.setattr(ask_cli, "BackgroundComposer", lambda load, prompts: Failing())
    _stdin(monkeypatch, _script(STORY, "I felt frightened, then numb.", "Never reached."))
    assert main(["reflect", "--model", "gibbs"]) == 2
    captured = capsys.readouterr()
    assert "> I met [NAME-1]" in captured.out and "[CRN-1]" in captured.out
    assert "> I felt frightened, then numb." in captured.out  # the answer being handled
    assert not any(p in captured.out for p in PLANTED)
    last = captured.err.rstrip().splitlines()[-1]
    assert last == "reflect-bot: error: knowledge/extra.yaml:3: invalid YAML (found a tab)"


def test_no_planted_identifier_reaches_any_byte_written_by_the_cli(
    no_model, capsys, monkeypatch, tmp_path
):
    """Issue 14: every CLI path that writes a file (journal save, export, reflect --out)."""
    from reflect_bot.config import data_dir

    out = tmp_path / "reflection.md"
    _stdin(monkeypatch, _script(STORY, "Whitlock shouted at me on Elm Road.", "finish"))
    assert main(["reflect", "--model", "gibbs", "--out", str(out), "--save"]) == 0
    exported = tmp_path / "export.md"
    assert main(["journal", "export", "--all", "--out", str(exported)]) == 0
    capsys.readouterr()
    written = [out, exported, *data_dir().iterdir()]
    assert any(p.name == "journal.db" for p in written)
    for path in written:
        data = path.read_bytes()
        for planted in PLANTED:
            for form in {planted, planted.lower(), planted.upper()}:
                for encoding in ("utf-8", "utf-16-le"):
                    assert form.encode(encoding) not in data, (path.name, form)
    assert b"[CRN-1]" in out.read_bytes() and b"[CRN-1]" in exported.read_bytes()


def test_a_long_answer_of_undecodable_bytes_is_noted_once_not_once_a_line(
    no_model, capsys, monkeypatch
):
    """Binary piped into `reflect` is read as U+FFFD: one note for the answer, not 100."""
    import io

    raw = b"".join(b"\xff\xfe line %d\n" % i for i in range(100)) + b"\n" + b"finish\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8",
                                                      errors="surrogateescape"))
    main(["reflect", "--model", "driscoll"])
    err = capsys.readouterr().err
    assert err.count("were read as \ufffd") == 1, err.count("were read as \ufffd")
