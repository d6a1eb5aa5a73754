"""`reflect-bot journal ...` as a practitioner would type it."""

from __future__ import annotations

import getpass
import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reflect_bot.cli import main
from reflect_bot.corpus import load_corpus
from reflect_bot.journal import Draft, Journal, is_encrypted
from reflect_bot.settings import Settings, save_settings

PASSPHRASE = "a long and private phrase"


@pytest.fixture(autouse=True)
def private_homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLECT_BOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REFLECT_BOT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("REFLECT_BOT_PASSPHRASE", raising=False)


def add(text: str, days_ago: float = 0, passphrase: str | None = None, **kw: object) -> int:
    created = datetime.now(UTC) - timedelta(days=days_ago)
    d = Draft(kind="conversation", turns=[("practitioner", text)], created=created, **kw)  # type: ignore[arg-type]
    with Journal(passphrase=passphrase) as j:
        return j.save(Journal.prepare(d))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["journal", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def tty(monkeypatch: pytest.MonkeyPatch, *answers: str) -> None:
    """Pretend stdin is a terminal whose user types `answers` at the prompts, in order."""
    typed = iter(answers)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))


def test_list_empty_then_newest_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "list")[:2] == (0, "No journal entries yet.\n")
    older = add("Court was a long day", days_ago=3)
    newer = add("Good home visit", tags=["visits"])
    code, out, _ = run(capsys, "list")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].split()[0] == str(newer) and "Good home visit" in lines[0]
    assert lines[1].split()[0] == str(older) and "Conversation" in lines[1]
    code, out, _ = run(capsys, "list", "--search", "court")
    assert [line.split()[0] for line in out.splitlines()] == [str(older)]
    code, out, _ = run(capsys, "list", "--json")
    assert [e["id"] for e in json.loads(out)] == [newer, older]
    assert json.loads(out)[0]["tags"] == ["visits"]


def test_export_holds_no_name_from_the_users_own_list(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    names = tmp_path / "config" / "redact-names.txt"
    names.parent.mkdir(parents=True)
    names.write_text("Tazz\n")
    entry_id = add("Tazz rang me twice after the visit; tazz sounded scared.", tags=["Tazz"])
    out = tmp_path / "supervision.md"
    assert run(capsys, "export", "--all", "--out", str(out))[0] == 0
    code, listed, _ = run(capsys, "list", "--json")
    for text in (out.read_text(), listed, run(capsys, "show", str(entry_id))[1]):
        assert "tazz" not in text.lower() and "[NAME-1]" in text


def test_show_and_missing_entry(capsys: pytest.CaptureFixture[str]) -> None:
    entry_id = add("Felt shaky after the call", cited=["tip-principles-safety", "gone-1"])
    code, out, _ = run(capsys, "show", str(entry_id))
    assert code == 0
    assert out.startswith(f"## Entry {entry_id}: Conversation")
    assert "Felt shaky after the call" in out
    # the passage by its title and sources (issue 14); an id the guidance no longer has, as is
    sources = out.split("Sources:")[1].strip().splitlines()
    passage = load_corpus().get("tip-principles-safety")
    assert sources == [f"- {passage.reference()}", "- gone-1"]
    assert passage.title in sources[0] and passage.sources[0].author_or_publisher in sources[0]
    code, out, _ = run(capsys, "show", str(entry_id), "--json")
    assert json.loads(out)["turns"] == [
        {"role": "practitioner", "text": "Felt shaky after the call"}
    ]
    assert run(capsys, "show", "999") == (
        2,
        "",
        "reflect-bot: error: there is no journal entry 999\n",
    )


def test_export_one_or_all_to_a_private_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first = add("First reflection", days_ago=1)
    second = add("Second reflection")
    code, out, _ = run(capsys, "export", str(second))
    assert code == 0 and "Second reflection" in out and "First reflection" not in out
    target = tmp_path / "cpd" / "record.md"
    target.parent.mkdir()
    code, out, err = run(capsys, "export", "--all", "--out", str(target))
    assert (code, out) == (0, "") and str(target) in err
    text = target.read_text()
    assert text.index(f"## Entry {first}") < text.index(f"## Entry {second}")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    code, _, err = run(capsys, "export")
    assert code == 2 and err.startswith("reflect-bot: error: give one or more entry numbers")
    assert run(capsys, "export", str(first), "--all")[0] == 2
    code, _, err = run(capsys, "export", "--all", "--out", str(tmp_path / "no" / "such" / "x.md"))
    assert code == 2 and err.count("\n") == 1 and "does not exist" in err


def test_delete_asks_first(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keep = add("Keep me")
    gone = add("Delete me")
    code, _, err = run(capsys, "delete", str(gone))  # no terminal to ask in, no --yes
    assert code == 2 and "--yes" in err
    tty(monkeypatch, "n")
    assert run(capsys, "delete", str(gone))[:2] == (1, "Nothing was deleted.\n")
    tty(monkeypatch, "y")
    assert run(capsys, "delete", str(gone))[:2] == (0, f"Deleted entry {gone}.\n")
    assert run(capsys, "delete", str(keep), "--yes")[0] == 0
    with Journal() as j:
        assert j.list() == []
    assert run(capsys, "delete", str(keep), "--yes")[0] == 2


def test_purge_and_retention_setting(capsys: pytest.CaptureFixture[str]) -> None:
    add("recent")
    add("older", days_ago=40)
    add("oldest", days_ago=400)
    assert run(capsys, "purge", "--older-than", "365", "--yes")[:2] == (
        0,
        "Deleted 1 entry older than 365 days.\n",
    )
    with pytest.raises(SystemExit) as caught:
        main(["journal", "purge", "--older-than", "0"])
    assert caught.value.code == 2
    save_settings(Settings(retention_days=30))
    code, out, _ = run(capsys, "list")  # retention applies at the start of every command
    assert code == 0 and "recent" in out and "older" not in out


def test_encrypt_then_every_command_needs_the_passphrase(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    entry_id = add("Before encryption")
    monkeypatch.setenv("REFLECT_BOT_PASSPHRASE", PASSPHRASE)
    code, out, _ = run(capsys, "encrypt")
    assert code == 0 and "now encrypted" in out
    assert is_encrypted()
    assert "Before encryption" in run(capsys, "show", str(entry_id))[1]
    assert run(capsys, "encrypt")[2] == "reflect-bot: error: the journal is already encrypted\n"

    monkeypatch.setenv("REFLECT_BOT_PASSPHRASE", "the wrong phrase")
    code, _, err = run(capsys, "list")
    assert code == 2 and "passphrase does not open" in err and err.count("\n") == 1

    monkeypatch.delenv("REFLECT_BOT_PASSPHRASE")
    code, _, err = run(capsys, "list")  # pytest's stdin is no terminal
    assert code == 2 and "REFLECT_BOT_PASSPHRASE" in err and err.count("\n") == 1

    tty(monkeypatch, PASSPHRASE)
    code, out, _ = run(capsys, "list")
    assert code == 0 and "Before encryption" in out


def test_encrypt_by_prompt_needs_the_same_phrase_twice(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add("Something to protect")
    tty(monkeypatch, PASSPHRASE, PASSPHRASE + "!")
    code, _, err = run(capsys, "encrypt")
    assert code == 2 and "not the same" in err
    assert not is_encrypted()
    tty(monkeypatch, PASSPHRASE, PASSPHRASE)
    assert run(capsys, "encrypt")[0] == 0
    assert is_encrypted()


def test_bad_settings_or_damaged_journal_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    settings = tmp_path / "config" / "settings.yaml"
    settings.parent.mkdir(parents=True)
    settings.write_text("retention_days: soon\n")
    code, out, err = run(capsys, "list")  # a warning, and the defaults: never a dead command
    assert code == 0 and out == "No journal entries yet.\n"
    assert err.count("\n") == 1 and str(settings) in err and "'retention_days'" in err
    assert err.startswith("reflect-bot: warning:") and "default settings" in err
    settings.unlink()
    journal = tmp_path / "data" / "journal.db"
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_bytes(b"\x00garbage" * 100)
    code, _, err = run(capsys, "list")
    assert code == 2 and err.count("\n") == 1 and "damaged" in err


def test_real_process_without_terminal_or_passphrase(tmp_path: Path) -> None:
    with Journal() as j:
        j.encrypt(PASSPHRASE)
    env = {k: v for k, v in os.environ.items() if k != "REFLECT_BOT_PASSPHRASE"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from reflect_bot.cli import main; sys.exit(main())",
            "journal",
            "list",
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("reflect-bot: error: the journal passphrase is needed")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
