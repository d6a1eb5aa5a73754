"""`reflect-bot journal ...` as a practitioner would type it."""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
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
    assert main(["journal", "purge", "--older-than", "0"]) == 2
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


# --- damage, numbers and files (issues 17 and 18) -----------------------------------------


def damage(entry_id: int) -> None:
    with Journal() as j:
        path = j.path
    with sqlite3.connect(path) as conn:
        (body,) = conn.execute("SELECT body FROM entries WHERE id = ?", (entry_id,)).fetchone()
        conn.execute("UPDATE entries SET body = ? WHERE id = ?",
                     (bytes([body[0] ^ 0xFF, body[1] ^ 0xFF]) + bytes(body[2:]), entry_id))
    conn.close()


def test_a_damaged_entry_is_named_and_the_others_listed_exported_deleted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ids = [add(f"Reflection number {n}", days_ago=10 - n) for n in range(10)]
    bad = ids[3]
    damage(bad)
    code, out, err = run(capsys, "list")
    assert code == 1 and len(out.splitlines()) == 9 and f"{bad:>4}  " not in out
    assert err.count("\n") == 1 and f"entry {bad} is damaged" in err
    assert f"journal delete {bad}" in err
    code, out, err = run(capsys, "export", "--all")
    assert code == 1 and out.count("## Entry") == 9 and f"entry {bad} is damaged" in err
    code, out, err = run(capsys, "delete", str(ids[0]), "--yes")
    assert code == 0
    code, out, _ = run(capsys, "delete", str(bad), "--yes")  # the damaged one too
    assert (code, out) == (0, f"Deleted entry {bad}.\n")
    code, out, err = run(capsys, "list")
    assert (code, err) == (0, "") and len(out.splitlines()) == 8


def test_journal_check_finds_damage_and_moves_it_aside_when_asked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [add(f"Reflection number {n}") for n in range(3)]
    assert run(capsys, "check")[:2] == (0, "The journal is whole: every entry can be read.\n")
    damage(ids[1])
    code, out, _ = run(capsys, "check")  # no terminal to ask in: report only
    assert code == 1 and f"Entry {ids[1]} is damaged" in out and "Nothing was changed" in out
    tty(monkeypatch, "n")
    assert run(capsys, "check")[0] == 1
    tty(monkeypatch, "y")
    code, out, _ = run(capsys, "check")
    assert code == 0 and f"Entry {ids[1]} was moved out of the journal and kept as" in out
    kept = Path(out.rstrip().rsplit(" kept as ", 1)[1].rstrip("."))
    assert kept.exists() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    with Journal() as j:
        assert sorted(e.id for e in j.list()) == [ids[0], ids[2]] and j.check() == []


def test_purge_asks_first_like_delete(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add("old one", days_ago=100)
    code, _, err = run(capsys, "purge", "--older-than", "30")
    assert code == 2 and err == "reflect-bot: error: add --yes to purge without being asked\n"
    tty(monkeypatch, "n")
    assert run(capsys, "purge", "--older-than", "30")[:2] == (1, "Nothing was deleted.\n")
    with Journal() as j:
        assert len(j.list()) == 1
    tty(monkeypatch, "yes")
    assert run(capsys, "purge", "--older-than", "30")[0] == 0
    with Journal() as j:
        assert j.list() == []


@pytest.mark.parametrize("argv", [
    ["show", "9223372036854775808"],
    ["delete", "99999999999999999999999", "--yes"],
    ["export", "0"],
    ["show", "-4"],
    ["purge", "--older-than", "99999999999", "--yes"],
])
def test_numbers_out_of_range_are_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main(["journal", *argv]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert err.startswith("reflect-bot: error: argument")


@pytest.mark.parametrize("value", ["never", "null", "Never"])
def test_retention_never_keeps_everything(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, value: str
) -> None:
    add("ancient", days_ago=20_000)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.yaml").write_text(f"retention_days: {value}\n")
    code, out, err = run(capsys, "list")
    assert (code, err) == (0, "") and "ancient" in out


def test_a_huge_retention_setting_is_a_warning_not_a_dead_journal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    add("kept")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.yaml").write_text("retention_days: 999999\n")
    code, out, err = run(capsys, "list")
    assert code == 0 and "kept" in out
    assert "'retention_days'" in err and "36,500" in err and "never" in err


@pytest.mark.parametrize("name", ["journal.db", "journal.db-wal", "journal.db-shm"])
def test_export_onto_the_journal_itself_is_refused_and_the_journal_intact(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    ids = [add(f"Reflection number {n}") for n in range(5)]
    with Journal() as j:
        target = j.path.with_name(name)
    code, _, err = run(capsys, "export", str(ids[4]), "--out", str(target), "--force")
    assert code == 2 and err.count("\n") == 1 and "reflect-bot's own folder" in err
    code, out, _ = run(capsys, "list")
    assert code == 0 and len(out.splitlines()) == 5


def test_export_onto_settings_or_the_index_cache_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add("A reflection")
    monkeypatch.setenv("REFLECT_BOT_CACHE_DIR", str(tmp_path / "cache"))
    save_settings(Settings(theme="textual-light"))
    cache = tmp_path / "cache" / "index" / "index-0.npz"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"PK index")
    for target in (tmp_path / "config" / "settings.yaml", cache):
        before = target.read_bytes()
        code, _, err = run(capsys, "export", "--all", "--out", str(target), "--force")
        assert code == 2 and "reflect-bot's own folder" in err and target.read_bytes() == before


def test_export_needs_force_to_replace_a_file_which_ends_private(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    entry = add("A reflection for supervision")
    target = tmp_path / "record.md"
    target.write_text("last month's record\n")
    target.chmod(0o644)
    code, _, err = run(capsys, "export", str(entry), "--out", str(target))
    assert code == 2 and "--force" in err and target.read_text() == "last month's record\n"
    assert run(capsys, "export", str(entry), "--out", str(target), "--force")[0] == 0
    assert "A reflection for supervision" in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_journal_moved_aside_is_announced_at_the_next_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    add("Something worth keeping")
    journal = tmp_path / "data" / "journal.db"
    journal.write_bytes(b"\x00garbage" * 100)
    code, _, err = run(capsys, "list")
    assert code == 2 and "kept as" in err
    code, out, err = run(capsys, "list")
    assert code == 0 and "No journal entries yet" not in out
    assert out == "The new journal has no entries yet.\n"
    assert "kept aside as" in err and str(tmp_path / "data" / "journal.db.damaged-") in err
    assert run(capsys, "list")[1] == "No journal entries yet.\n"  # announced once


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [["journal", "list"], ["journal", "export", "--all"],
                                  ["redact"]])
def test_a_full_disk_on_standard_output_is_one_line(argv: list[str]) -> None:
    for n in range(30):
        add(f"Reflection number {n} " * 40)
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-c", "import sys; from reflect_bot.cli import main; "
             "sys.exit(main())", *argv],
            input="John Smith lives at 12 High Street\n" * 500 if argv == ["redact"] else None,
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr == ("reflect-bot: error: the output could not be written "
                             "(No space left on device)\n")


def test_the_guidance_is_read_for_an_export_only_when_an_entry_cites_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import reflect_bot.corpus

    loads: list[object] = []
    real = reflect_bot.corpus.load_corpus
    monkeypatch.setattr(reflect_bot.corpus, "load_corpus",
                        lambda *a, **k: loads.append(a) or real(*a, **k))
    plain = add("A reflection with nothing cited")
    assert run(capsys, "export", str(plain))[0] == 0 and loads == []
    add("One that cites", cited=["tip-principles-safety"])
    code, out, _ = run(capsys, "export", "--all")
    assert code == 0 and len(loads) == 1
    assert f"- {real().get('tip-principles-safety').reference()}" in out
